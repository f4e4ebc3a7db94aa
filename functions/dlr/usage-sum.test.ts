import { describe, expect, it } from 'vitest'
import type { UsageRow } from '../../lib/domain/model'
import type { UsageStore } from '../../lib/ports'
import { usageSum } from './usage-sum'

const row = (status: string, parts = 1): UsageRow => ({
  accountId: 'acme',
  day: '2026-12-01',
  prefix: '44',
  status,
  messages: 1,
  parts,
  cost: 7,
  refunds: 0,
})

function recording(failStatus?: string) {
  const added: UsageRow[] = []
  const store: UsageStore = {
    add: async (r) => {
      if (r.status === failStatus) throw new Error('throttled')
      added.push(r)
    },
    query: async () => added,
  }
  return { store, added }
}

describe('usageSum', () => {
  it('adds one summed row per counter once every record of the batch has finished or is waiting', async () => {
    const { store, added } = recording()
    const sum = usageSum(store, 4)
    const results = await Promise.allSettled([
      sum.track(() => sum.usage.add(row('DELIVERED'))),
      sum.track(() => sum.usage.add(row('DELIVERED', 2))),
      sum.track(() => sum.usage.add(row('UNDELIVERABLE'))),
      sum.track(async () => {
        throw new Error('unknown message') // a record that never adds still lets the others go
      }),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected'])
    expect(added).toEqual([
      { ...row('DELIVERED'), messages: 2, parts: 3, cost: 14 },
      { ...row('UNDELIVERABLE'), messages: 1, parts: 1, cost: 7 },
    ])
  })

  it('fails exactly the records of a counter whose ADD failed, so only their guards are given back', async () => {
    const { store, added } = recording('UNDELIVERABLE')
    const sum = usageSum(store, 3)
    const results = await Promise.allSettled([
      sum.track(() => sum.usage.add(row('DELIVERED'))),
      sum.track(() => sum.usage.add(row('UNDELIVERABLE'))),
      sum.track(() => sum.usage.add(row('UNDELIVERABLE'))),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected'])
    expect(added).toEqual([row('DELIVERED')])
  })

  it('nothing waits for a record that has not started adding yet once the others are done', async () => {
    const { store, added } = recording()
    const sum = usageSum(store, 2)
    await sum.track(async () => {})
    await sum.track(() => sum.usage.add(row('DELIVERED')))
    expect(added).toEqual([row('DELIVERED')])
  })
})
