import { describe, expect, it } from 'vitest'
import { memoryQuotas } from '../../lib/adapters/memory/quotas'
import { takeHttpParts } from '../../lib/domain/http-throttle'
import { WindowGrants } from './window-grants'

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)

describe('HTTP sends and SMPP nodes spend one window count (issue 17)', () => {
  it('a node and the API together pass exactly the minute limit', async () => {
    const quotas = memoryQuotas()
    const account = { accountId: 'acme', speed: 1_000, throttle: { perMinute: 50 } }
    const node = new WindowGrants(quotas)
    let smpp = 0
    for (let i = 0; i < 20; i++) {
      const r = node.take(account, 1, T0, 1, 1_000)
      if (r === true || (r !== false && (await r))) smpp++
    }
    expect(smpp).toBe(20)
    let http = 0
    while (http < 100 && (await takeHttpParts({ quotas }, account, 1, T0))) http++
    // The node holds the rest of its block: what it took counts as spent for the API; it never passes the limit.
    await node.forget('acme', T0) // its last session went: the unspent block goes back to the window
    while (http < 100 && (await takeHttpParts({ quotas }, account, 1, T0))) http++
    expect(smpp + http).toBe(50)
  })
})
