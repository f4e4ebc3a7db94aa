import { describe, expect, it } from 'vitest'
import { type MakeStores, TestClock, uid } from './fixtures'

/** Strikes (issue 13): counted atomically across callers, forgotten once their hold has passed. */
export function strikesContract(name: string, makeStores: MakeStores) {
  describe(`Strikes (${name})`, () => {
    const hold = (count: number) => 1_000 * 2 ** count

    it('counts concurrent strikes without losing one, and holds for holdMs(count)', async () => {
      const clock = new TestClock()
      const { strikes } = await makeStores({ now: clock.now })
      const key = uid('A#addr')
      const t = clock.now().getTime()
      const counts = await Promise.all([1, 2, 3, 4, 5].map(() => strikes.strike(key, t, hold)))
      expect(counts.sort()).toEqual([1, 2, 3, 4, 5])
      expect(await strikes.count(key, t + 2 ** 5 * 1_000 - 1)).toBe(5)
      expect(await strikes.count(key, t + 2 ** 5 * 1_000)).toBe(0)
      expect(await strikes.strike(key, t + 2 ** 5 * 1_000, hold)).toBe(1)
    })

    it('forgives one strike, never below zero', async () => {
      const clock = new TestClock()
      const { strikes } = await makeStores({ now: clock.now })
      const key = uid('S#sys')
      const t = clock.now().getTime()
      await strikes.strike(key, t, hold)
      await strikes.strike(key, t, hold)
      await strikes.forgive(key)
      expect(await strikes.count(key, t)).toBe(1)
      await strikes.forgive(key)
      await strikes.forgive(key)
      expect(await strikes.count(key, t)).toBe(0)
      await strikes.forgive(uid('never'))
    })

    it('remembers a key until its time', async () => {
      const clock = new TestClock()
      const { strikes } = await makeStores({ now: clock.now })
      const key = uid('K#sys#addr')
      const t = clock.now().getTime()
      expect(await strikes.count(key, t)).toBe(0)
      await strikes.remember(key, t + 60_000)
      expect(await strikes.count(key, t + 59_999)).toBe(1)
      expect(await strikes.count(key, t + 60_000)).toBe(0)
    })
  })
}
