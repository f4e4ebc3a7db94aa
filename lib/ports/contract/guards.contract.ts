import { describe, expect, it } from 'vitest'
import { type MakeStores, TestClock, uid } from './fixtures'

/** Guards: the first caller of a key wins until the key expires or is released. */
export function guardsContract(name: string, makeStores: MakeStores) {
  describe(`Guards (${name})`, () => {
    it('gives a key to one caller until it expires', async () => {
      const clock = new TestClock()
      const stores = await makeStores({ now: clock.now })
      const key = `DISPATCH#${uid('msg')}#1`
      const results = await Promise.all([1, 2, 3].map(() => stores.guards.once(key, clock.sec() + 10)))
      expect(results.filter(Boolean)).toHaveLength(1)
      clock.advance(10_000)
      expect(await stores.guards.once(key, clock.sec() + 10)).toBe(false) // expiresAt is still now: not yet past
      clock.advance(1_000)
      expect(await stores.guards.once(key, clock.sec() + 10)).toBe(true)
    })

    it('frees a released key', async () => {
      const clock = new TestClock()
      const stores = await makeStores({ now: clock.now })
      const key = `RECEIPT#${uid('msg')}#DELIVERED`
      expect(await stores.guards.once(key, clock.sec() + 60)).toBe(true)
      await stores.guards.release(key)
      expect(await stores.guards.once(key, clock.sec() + 60)).toBe(true)
      expect(await stores.guards.once(key, clock.sec() + 60)).toBe(false)
      await stores.guards.release(uid('never-taken'))
    })

    it('keeps a confirmed lease past its first expiry (issue 13, item 9)', async () => {
      const clock = new TestClock()
      const stores = await makeStores({ now: clock.now })
      const key = `RECEIPT#${uid('msg')}#DELIVERED`
      expect(await stores.guards.once(key, clock.sec() + 5)).toBe(true)
      await stores.guards.confirm(key, clock.sec() + 3_600)
      clock.advance(10_000)
      expect(await stores.guards.once(key, clock.sec() + 5)).toBe(false)
      await stores.guards.confirm(uid('never-taken'), clock.sec() + 60)
      expect(await stores.guards.once(uid('never-taken'), clock.sec() + 60)).toBe(true)
    })
  })
}
