import { describe, expect, it } from 'vitest'
import { type MakeStores, TestClock, uid } from './fixtures'

/** Guards: the first caller of a key holds it until the key expires or is released; a confirmed key is done. */
export function guardsContract(name: string, makeStores: MakeStores) {
  describe(`Guards (${name})`, () => {
    it('gives a key to one caller until it expires', async () => {
      const clock = new TestClock()
      const stores = await makeStores({ now: clock.now })
      const key = `DISPATCH#${uid('msg')}#1`
      const results = await Promise.all([1, 2, 3].map(() => stores.guards.take(key, clock.sec() + 10)))
      expect(results.sort()).toEqual(['held', 'held', 'taken'])
      clock.advance(10_000)
      expect(await stores.guards.take(key, clock.sec() + 10)).toBe('held') // expiresAt is still now: not yet past
      clock.advance(1_000)
      expect(await stores.guards.take(key, clock.sec() + 10)).toBe('taken')
    })

    it('frees a released key', async () => {
      const clock = new TestClock()
      const stores = await makeStores({ now: clock.now })
      const key = `RECEIPT#${uid('msg')}#DELIVERED`
      expect(await stores.guards.take(key, clock.sec() + 60)).toBe('taken')
      await stores.guards.release(key)
      expect(await stores.guards.take(key, clock.sec() + 60)).toBe('taken')
      expect(await stores.guards.take(key, clock.sec() + 60)).toBe('held')
      await stores.guards.release(uid('never-taken'))
    })

    it('keeps a confirmed lease past its first expiry, and tells it done from held (issue 13 item 9, issue 18)', async () => {
      const clock = new TestClock()
      const stores = await makeStores({ now: clock.now })
      const key = `RECEIPT#${uid('msg')}#DELIVERED`
      expect(await stores.guards.take(key, clock.sec() + 5)).toBe('taken')
      expect(await stores.guards.take(key, clock.sec() + 5)).toBe('held') // the holder may be working, or dead
      await stores.guards.confirm(key, clock.sec() + 3_600)
      clock.advance(10_000)
      expect(await stores.guards.take(key, clock.sec() + 5)).toBe('done')
      await stores.guards.confirm(uid('never-taken'), clock.sec() + 60)
      expect(await stores.guards.take(uid('never-taken'), clock.sec() + 60)).toBe('taken')
    })
  })
}
