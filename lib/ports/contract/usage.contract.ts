import { describe, expect, it } from 'vitest'
import type { UsageRow } from '../../domain/model'
import { type MakeStores, TestClock, uid } from './fixtures'

/** UsageStore: atomic counters per (account, day, prefix, status), read by day range. */
export function usageContract(name: string, makeStores: MakeStores) {
  describe(`UsageStore (${name})`, () => {
    const row = (accountId: string, day: string, overrides: Partial<UsageRow> = {}): UsageRow => ({
      accountId,
      day,
      prefix: '49',
      country: 'DE',
      status: 'DELIVERED',
      messages: 1,
      parts: 2,
      cost: 10,
      refunds: 0,
      ...overrides,
    })

    it('adds counters to the same row, concurrently without losing any', async () => {
      const stores = await makeStores({ now: new TestClock().now })
      const accountId = uid('acct')
      await Promise.all([1, 2, 3, 4].map(() => stores.usage.add(row(accountId, '2025-03-02'))))
      expect(await stores.usage.query(accountId, '2025-03-02', '2025-03-02')).toEqual([
        row(accountId, '2025-03-02', { messages: 4, parts: 8, cost: 40 }),
      ])
    })

    it('returns the rows of a day range, both ends inclusive', async () => {
      const stores = await makeStores({ now: new TestClock().now })
      const accountId = uid('acct')
      const rows = [
        row(accountId, '2025-02-28'),
        row(accountId, '2025-03-01', { prefix: '', country: undefined, status: 'CHARGED' }),
        row(accountId, '2025-03-01', { prefix: '4917' }),
        row(accountId, '2025-03-03', { status: 'UNDELIVERABLE' }),
        row(accountId, '2025-03-04'),
      ]
      for (const r of rows) await stores.usage.add(r)
      await stores.usage.add(row(uid('other'), '2025-03-02'))
      const found = await stores.usage.query(accountId, '2025-03-01', '2025-03-03')
      const { country: _, ...catchAll } = rows[1]
      expect(found).toEqual([catchAll, rows[2], rows[3]])
      expect(await stores.usage.query(accountId, '2025-04-01', '2025-04-30')).toEqual([])
    })
  })
}
