import { describe, expect, it } from 'vitest'
import { memoryQuotas } from '../../lib/adapters/memory/quotas'
import { InFlight } from './in-flight'
import { WindowGrants } from './window-grants'

const acct = { accountId: 'acme', throttle: { perMinute: 100 } }
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)

/** Takes one part at a time until refused (bounded), awaiting where a block is fetched. */
async function takeAll(g: WindowGrants, nowMs: number, max = 1_000): Promise<number> {
  let n = 0
  for (let i = 0; i < max; i++) {
    const r = g.take(acct, 1, nowMs, 0.5, 50)
    if (!(r === true || (r !== false && (await r)))) break
    n++
  }
  return n
}

describe('WindowGrants (issue 17)', () => {
  it('two nodes sharing one minute window pass exactly its limit together, each in blocks', async () => {
    const quotas = memoryQuotas()
    const [a, b] = [new WindowGrants(quotas), new WindowGrants(quotas)]
    let passed = 0
    for (let round = 0; round < 200; round++) {
      for (const g of [a, b]) {
        const r = g.take(acct, 1, T0, 0.5, 50)
        if (r === true || (r !== false && (await r))) passed++
      }
    }
    expect(passed).toBe(100)
  })

  it('refuses at once when the shared window is spent, and opens again in the next minute', async () => {
    const g = new WindowGrants(memoryQuotas())
    expect(await takeAll(g, T0)).toBe(100)
    expect(g.take(acct, 1, T0 + 59_999, 0.5, 50)).toBe(false) // no store round trip per refused submit
    expect(await takeAll(g, T0 + 60_000)).toBe(100)
  })

  it('counts every window: a day limit below the minute limit holds across minutes', async () => {
    const g = new WindowGrants(memoryQuotas())
    const day = { accountId: 'acme', throttle: { perMinute: 100, perDay: 150 } }
    const take = async (now: number) => {
      let n = 0
      for (let i = 0; i < 300; i++) {
        const r = g.take(day, 1, now, 1, 50)
        if (!(r === true || (r !== false && (await r)))) break
        n++
      }
      return n
    }
    expect(await take(T0)).toBe(100)
    expect(await take(T0 + 60_000)).toBe(50)
  })

  it('gives back what a node holds when it forgets the account, for the other nodes', async () => {
    const quotas = memoryQuotas()
    const [a, b] = [new WindowGrants(quotas), new WindowGrants(quotas)]
    expect(await a.take(acct, 1, T0, 1, 1_000)).toBe(true) // a takes a block
    await a.forget('acme', T0)
    expect(await takeAll(b, T0)).toBe(99)
  })

  it('lets an account without windows pass without any store', () => {
    const g = new WindowGrants({ take: () => Promise.reject(new Error('unused')), giveBack: () => Promise.reject(new Error('unused')) })
    expect(g.take({ accountId: 'x' }, 5, T0, 1, 10)).toBe(true)
  })
})

describe('InFlight (issue 17)', () => {
  const limited = {
    accountId: 'acme',
    throttle: {
      inFlight: [
        { prefix: '44', max: 2 },
        { prefix: '4477', max: 1 },
      ],
    },
  }

  it('holds each prefix to its limit by the longest prefix, and frees a slot on release (once)', () => {
    const f = new InFlight()
    const r1 = f.enter(limited, ['447700900001'], 1)
    expect(r1).toBeDefined()
    expect(f.enter(limited, ['447700900002'], 1)).toBeUndefined() // 4477 holds 1
    const r2 = f.enter(limited, ['441234'], 1)
    expect(f.enter(limited, ['441235'], 1)).toBeDefined() // 44 holds 2; the 4477 message counts only under 4477
    expect(f.enter(limited, ['441236'], 1)).toBeUndefined()
    r1!()
    r1!()
    expect(f.count('acme', '4477')).toBe(0)
    expect(f.enter(limited, ['447700900003'], 1)).toBeDefined()
    r2!()
    expect(f.count('acme', '44')).toBe(1)
    expect(f.enter(limited, ['49301'], 1)).toBeDefined() // no limit for 49
  })

  it('holds this node to its share, never below one', () => {
    const f = new InFlight()
    const acct10 = { accountId: 'a', throttle: { inFlight: [{ prefix: '', max: 10 }] } }
    const held = Array.from({ length: 8 }, () => f.enter(acct10, ['1'], 0.5)).filter(Boolean).length
    expect(held).toBe(5)
    expect(f.enter({ accountId: 'b', throttle: { inFlight: [{ prefix: '', max: 1 }] } }, ['1'], 0.1)).toBeDefined()
  })
})
