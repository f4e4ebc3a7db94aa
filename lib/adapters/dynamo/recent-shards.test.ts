import { beforeAll, describe, expect, it } from 'vitest'
import { type LocalServices, localServices } from '../../../test/local-services'
import { aCharge, aMessage } from '../../ports/contract/fixtures'
import { dynamoStores } from '.'
import type { Shards } from './balance'
import { RecentShards, RecentShardsMs } from './recent-shards'
import { meteredStores } from './testing/metered-stores'

describe('RecentShards', () => {
  const view = (balance: number): Promise<Shards> => Promise.resolve({ balances: [balance], available: [balance] } as Shards)

  it('gives a kept read once, and only while it is fresh', async () => {
    let now = 0
    const recent = new RecentShards(() => now)
    const a = view(5)
    recent.keep('a', a)
    expect(recent.take('a')).toBe(a)
    expect(recent.take('a')).toBeUndefined() // a second attempt or group reads afresh
    recent.keep('a', view(5))
    now += RecentShardsMs + 1
    expect(recent.take('a')).toBeUndefined()
  })

  it('forgets a read that failed', async () => {
    const recent = new RecentShards(() => 0)
    const failed = Promise.reject(new Error('throttled'))
    recent.keep('a', failed)
    await failed.catch(() => {})
    expect(recent.take('a')).toBeUndefined()
  })
})

// Issue 12: the submit function reads the account (its shards) and then charges it; the charge no longer reads the
// same items again, and a view that went stale meanwhile still charges only what the balance covers.
describe('the charge after an account read, on DynamoDB Local', () => {
  let svc: LocalServices
  beforeAll(async () => {
    svc = await localServices()
  })
  const reads = (m: { ddbRequestsByOp: Record<string, number> }) => m.ddbRequestsByOp[`BatchGetItem ${svc.config.tables.accounts}`] ?? 0

  it("starts from the account read's shards: one BatchGetItem for the read and the charge together", async () => {
    const { clock, m, stores, account } = await meteredStores(svc)
    await stores.accounts.get(account.accountId)
    const before = reads(m)
    expect(await stores.ledger.chargeBatch([aCharge(clock, aMessage(clock, account.accountId))])).toEqual([{ result: 'charged' }])
    expect(reads(m)).toBe(before)
    // Without a read before it, the charge reads the shards itself.
    expect(await stores.ledger.chargeBatch([aCharge(clock, aMessage(clock, account.accountId))])).toEqual([{ result: 'charged' }])
    expect(reads(m)).toBe(before + 1)
  })

  it('a view another invocation made stale: the shard conditions cancel, a fresh read charges only what is left', async () => {
    const { clock, db, stores, account } = await meteredStores(svc)
    const other = dynamoStores(db, svc.config.tables, { now: clock.now, retentionDays: 30 }) // another invocation's
    const cost = (await stores.accounts.get(account.accountId))!.balance / 4 // the view: room for 4
    const charge = () => aCharge(clock, aMessage(clock, account.accountId, { cost }))
    expect((await other.ledger.chargeBatch([charge(), charge(), charge()])).map((r) => r.result)).toEqual(['charged', 'charged', 'charged'])
    const results = await stores.ledger.chargeBatch([charge(), charge(), charge()])
    expect(results.map((r) => r.result)).toEqual(['charged', 'insufficient-funds', 'insufficient-funds'])
    expect((await stores.accounts.getExact(account.accountId))!.balance).toBe(0)
  })
})
