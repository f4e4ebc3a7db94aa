import { describe, expect, it } from 'vitest'
import { memoryQuotas } from '../adapters/memory/quotas'
import { httpWindows, takeHttpParts } from './http-throttle'

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)

/** Sends of `parts` until refused (bounded): how many passed. */
async function passed(quotas: ReturnType<typeof memoryQuotas>, account: Parameters<typeof takeHttpParts>[1], parts: number, nowMs: number) {
  let n = 0
  while (n < 1_000 && (await takeHttpParts({ quotas }, account, parts, nowMs))) n++
  return n
}

describe('HTTP sends against the account speed and windows (issue 17)', () => {
  it('passes speed x burstSec parts in a burst window, then refuses until the next window', async () => {
    const quotas = memoryQuotas()
    const account = { accountId: 'a', speed: 10, throttle: { burstSec: 3 } }
    expect(httpWindows(account)).toEqual([{ name: 's', ms: 3_000, limit: 30 }])
    expect(await passed(quotas, account, 2, T0)).toBe(15)
    expect(await takeHttpParts({ quotas }, account, 2, T0 + 2_999)).toBe(false)
    expect(await takeHttpParts({ quotas }, account, 2, T0 + 3_000)).toBe(true)
  })

  it('refuses all or nothing: a window that cannot grant gives back what the others took', async () => {
    const quotas = memoryQuotas()
    const account = { accountId: 'b', speed: 100, throttle: { perMinute: 5 } }
    expect(await passed(quotas, account, 2, T0)).toBe(2) // 4 of the minute's 5 parts
    expect(await takeHttpParts({ quotas }, account, 2, T0)).toBe(false)
    // The refused send took nothing from the speed window: 100 - 4 parts are still there for 1-part sends.
    expect(await takeHttpParts({ quotas }, { ...account, throttle: {} }, 96, T0)).toBe(true)
    expect(await takeHttpParts({ quotas }, { ...account, throttle: {} }, 1, T0)).toBe(false)
  })

  it('lets a message longer than the speed window pass alone, as the node bucket does', async () => {
    const quotas = memoryQuotas()
    const account = { accountId: 'c', speed: 2 }
    expect(await takeHttpParts({ quotas }, account, 5, T0)).toBe(true)
    expect(await takeHttpParts({ quotas }, account, 1, T0)).toBe(false)
  })
})
