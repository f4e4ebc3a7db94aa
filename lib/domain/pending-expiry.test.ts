import { describe, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import { MetricNames } from '../observability/names'
import { aReceipt } from '../ports/contract/fixtures'
import type { MetricSink } from '../ports/metrics'
import { deliverToAccount } from './deliver'
import { account, seed, T0, testDeps } from './fixtures'
import { sweepExpiredCallbacks } from './pending-expiry'

const receipt = aReceipt('id:1 stat:DELIVRD')

// Issue 13: a stored receipt or MO that reaches the end of its validity with no receiver bound was deleted by TTL
// with no trace; it is now counted (CallbacksExpired), and an alarm watches the count.
describe('stored callbacks expiring undelivered', () => {
  it('are dropped and counted once when their validity ends, and only then', async () => {
    let now = T0
    const stores = memoryStores({ now: () => now })
    const counted: Record<string, number> = {}
    const metrics: MetricSink = { count: (n, v) => void (counted[n] = (counted[n] ?? 0) + v), millis: () => {}, flush: () => {} }
    const deps = { ...testDeps(stores, { now: () => now }), metrics }
    await seed(stores, account({ validityDefaultSec: 3_600 })) // kept for the account's validity: one hour
    await seed(stores, account({ accountId: 'other', validityDefaultSec: 7_200 }))
    await deliverToAccount(deps, 'acme', 'RECEIPT#m1#DELIVERED', receipt) // no receiver bound: stays pending
    await deliverToAccount(deps, 'other', 'RECEIPT#m2#DELIVERED', receipt)

    now = new Date(T0.getTime() + 3_599_000)
    expect(await sweepExpiredCallbacks(deps)).toBe(0)
    now = new Date(T0.getTime() + 3_600_000)
    expect(await sweepExpiredCallbacks(deps)).toBe(1)
    expect(await sweepExpiredCallbacks(deps)).toBe(0) // counted once
    expect(counted[MetricNames.CallbacksExpired]).toBe(1)
    expect(deps.logs.lines.filter((l) => l.msg === 'stored callbacks expired undelivered')).toMatchObject([
      { fields: { accountId: 'acme', count: 1, deliveryIds: ['RECEIPT#m1#DELIVERED'] } },
    ])
    expect((await stores.pending.list('other', now, 10)).map((p) => p.deliveryId)).toEqual(['RECEIPT#m2#DELIVERED'])
  })
})
