import { describe, expect, it } from 'vitest'
import { memoryStrikes } from '../adapters/memory/strikes'
import { admitBind, type BindLimits, bindSucceeded, holdFor } from './bind-limits'

const limits: BindLimits = { perAddress: 3, perSystemId: 4, holdMs: 1_000, maxHoldMs: 8_000, knownMs: 60_000 }

// Issue 13, items 1 and 6: attempts are counted before the hash, per address and per system_id.
describe('bind limits', () => {
  it('holds for the window up to the limit, then doubles per attempt up to the maximum', () => {
    const hold = holdFor(limits, 3)
    expect([1, 3, 4, 5, 6, 7, 50].map(hold)).toEqual([1_000, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000])
  })

  it('refuses an address over its limit, though every attempt so far is still in flight', async () => {
    const deps = { strikes: memoryStrikes(), limits, nowMs: 0 }
    const all = await Promise.all([1, 2, 3, 4, 5].map(() => admitBind(deps, 'acme', '198.51.100.1')))
    expect(all.map((a) => a.admitted)).toEqual([true, true, true, false, false])
  })

  it('gives a good bind its strikes back', async () => {
    const deps = { strikes: memoryStrikes(), limits, nowMs: 0 }
    for (let i = 0; i < 10; i++) {
      const a = await admitBind(deps, 'acme', '198.51.100.1')
      if (!a.admitted) throw new Error(a.why)
      await bindSucceeded(deps, a.ticket)
    }
  })

  it('bounds a guess spread over addresses, but never an address the account has bound from', async () => {
    const deps = { strikes: memoryStrikes(), limits, nowMs: 0 }
    const good = await admitBind(deps, 'acme', '203.0.113.7')
    if (!good.admitted) throw new Error(good.why)
    await bindSucceeded(deps, good.ticket)
    const spread = await Promise.all(Array.from({ length: 6 }, (_, i) => admitBind(deps, 'acme', `198.51.100.${i}`)))
    expect(spread.filter((a) => a.admitted)).toHaveLength(4)
    expect((await admitBind(deps, 'acme', '192.0.2.1')).admitted).toBe(false) // a new address waits
    expect((await admitBind(deps, 'acme', '203.0.113.7')).admitted).toBe(true) // the customer's does not
    expect((await admitBind(deps, 'other', '192.0.2.1')).admitted).toBe(true) // another account is untouched
  })

  it('forgets after the hold', async () => {
    const strikes = memoryStrikes()
    for (let i = 0; i < 4; i++) await admitBind({ strikes, limits, nowMs: 0 }, 'acme', '198.51.100.1')
    expect((await admitBind({ strikes, limits, nowMs: 1_999 }, 'acme', '198.51.100.1')).admitted).toBe(false)
    expect((await admitBind({ strikes, limits, nowMs: 1_999 + 4_000 }, 'acme', '198.51.100.1')).admitted).toBe(true)
  })
})
