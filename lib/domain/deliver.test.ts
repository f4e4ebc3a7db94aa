import { describe, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import { aReceipt } from '../ports/contract/fixtures'
import { storedUntil } from './deferral'
import { deliverToAccount } from './deliver'
import { account, T0, testDeps } from './fixtures'

const receipt = aReceipt('id:X sub:001 dlvrd:001 stat:DELIVRD', { sourceAddr: '447700900123' })

describe('store and forward keeps a receipt or MO for the account’s own validity (issue 14)', () => {
  it('storedUntil: the account default, clamped to its maximum; the platform fallback when it sets none', () => {
    expect(storedUntil({ validityDefaultSec: 600 }, T0, 72).toISOString()).toBe('2025-03-01T12:10:00.000Z')
    expect(storedUntil({ validityDefaultSec: 7200, validityMaxSec: 3600 }, T0, 72).toISOString()).toBe('2025-03-01T13:00:00.000Z')
    expect(storedUntil({}, T0, 72).toISOString()).toBe('2025-03-04T12:00:00.000Z')
    expect(storedUntil(undefined, T0, 72).toISOString()).toBe('2025-03-04T12:00:00.000Z')
  })

  it('a pending receipt of an account with a 10-minute validity expires 10 minutes after it was stored', async () => {
    const stores = memoryStores()
    await stores.accounts.create(account({ accountId: 'short', validityDefaultSec: 600 }))
    await stores.accounts.create(account({ accountId: 'plain' }))
    const deps = testDeps(stores, { now: () => T0 })
    await deliverToAccount(deps, 'short', 'R1', receipt)
    await deliverToAccount(deps, 'plain', 'R2', receipt)
    const [short] = await stores.pending.list('short', T0, 10)
    const [plain] = await stores.pending.list('plain', T0, 10)
    expect(short.validUntil).toBe('2025-03-01T12:10:00.000Z')
    expect(plain.validUntil).toBe('2025-03-04T12:00:00.000Z') // PENDING_VALIDITY_HOURS, 72 h
  })
})
