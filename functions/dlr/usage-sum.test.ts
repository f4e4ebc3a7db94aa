import { describe, expect, it } from 'vitest'
import type { UsageRow } from '../../lib/domain/model'
import type { UsageStore } from '../../lib/ports'
import { batchGate } from './batch-gate'
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
    const sum = { gate: batchGate(4) }
    const usage = usageSum(store, sum.gate)
    const results = await Promise.allSettled([
      sum.gate.track(() => usage.add(row('DELIVERED'))),
      sum.gate.track(() => usage.add(row('DELIVERED', 2))),
      sum.gate.track(() => usage.add(row('UNDELIVERABLE'))),
      sum.gate.track(async () => {
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
    const sum = { gate: batchGate(3) }
    const usage = usageSum(store, sum.gate)
    const results = await Promise.allSettled([
      sum.gate.track(() => usage.add(row('DELIVERED'))),
      sum.gate.track(() => usage.add(row('UNDELIVERABLE'))),
      sum.gate.track(() => usage.add(row('UNDELIVERABLE'))),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected'])
    expect(added).toEqual([row('DELIVERED')])
  })

  it('nothing waits for a record that has not started adding yet once the others are done', async () => {
    const { store, added } = recording()
    const sum = { gate: batchGate(2) }
    const usage = usageSum(store, sum.gate)
    await sum.gate.track(async () => {})
    await sum.gate.track(() => usage.add(row('DELIVERED')))
    expect(added).toEqual([row('DELIVERED')])
  })

  it('waits for records parked at another gatherer of the gate: each gatherer flushes its own items', async () => {
    const { store, added } = recording()
    const gate = batchGate(2)
    const usage = usageSum(store, gate)
    const commits: string[][] = []
    const commit = gate.gather<string, number>((items) => {
      commits.push(items)
      return items.map((_, i) => Promise.resolve(i))
    })
    const results = await Promise.all([gate.track(() => usage.add(row('DELIVERED'))), gate.track(() => commit('receipt'))])
    expect(results).toEqual([undefined, 0])
    expect([added, commits]).toEqual([[row('DELIVERED')], [['receipt']]])
  })
})
