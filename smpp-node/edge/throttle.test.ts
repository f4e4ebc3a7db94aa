import { describe, expect, it } from 'vitest'
import { Window } from '../session/window'
import { isAllowed } from './allow-list'
import { shareOf, TokenBucket } from './throttle'

describe('TokenBucket', () => {
  it('allows a burst of one second of the rate, then the rate', () => {
    const b = new TokenBucket(10, 0)
    const burst = Array.from({ length: 15 }, () => b.take(1, 0)).filter(Boolean).length
    expect(burst).toBe(10)
    expect(b.take(1, 50)).toBe(false) // half a token
    expect(b.take(1, 100)).toBe(true)
    expect(b.take(1, 100)).toBe(false)
  })

  it('lets a message of more parts than the bucket holds pass when full, leaving a debt', () => {
    const b = new TokenBucket(2, 0)
    expect(b.take(5, 0)).toBe(true)
    expect(b.take(1, 1000)).toBe(false) // -3 + 2
    expect(b.take(1, 2000)).toBe(true)
  })

  it('keeps its tokens when the rate changes, capped by the new capacity', () => {
    const b = new TokenBucket(100, 0)
    b.setRate(1, 0)
    expect(b.take(1, 0)).toBe(true)
    expect(b.take(1, 0)).toBe(false)
  })

  it("shares an account's speed by the sessions each node holds", () => {
    expect(shareOf(100, 1, 0)).toBe(100)
    expect(shareOf(100, 1, 1)).toBe(50)
    expect(shareOf(100, 3, 1)).toBe(75)
    expect(shareOf(100, 0, 3)).toBe(100)
  })
})

describe('isAllowed', () => {
  it.each([
    [[], '198.51.100.1', true],
    [['10.0.0.0/8'], '10.200.1.1', true],
    [['10.0.0.0/8'], '11.0.0.1', false],
    [['192.0.2.5'], '192.0.2.5', true],
    [['192.0.2.5'], '::ffff:192.0.2.5', true],
    [['2001:db8::/32'], '2001:db8:1::9', true],
    [['2001:db8::/32'], '10.0.0.1', false],
    [['not-a-cidr', '10.0.0.0/99'], '10.0.0.1', false],
  ])('%j allows %s: %s', (list, address, allowed) => {
    expect(isAllowed(list, address)).toBe(allowed)
  })
})

describe('Window', () => {
  it('holds size requests and wakes waiters as they are answered', async () => {
    const w = new Window(2)
    expect([w.tryAcquire(), w.tryAcquire(), w.tryAcquire()]).toEqual([true, true, false])
    let idle = false
    void w.until(0).then(() => {
      idle = true
    })
    w.release()
    await Promise.resolve()
    expect(idle).toBe(false)
    w.release()
    await Promise.resolve()
    expect(idle).toBe(true)
  })
})
