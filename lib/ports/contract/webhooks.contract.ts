import { describe, expect, it } from 'vitest'
import type { WebhookEvent } from '../webhooks'
import { type MakeStores, TestClock, uid } from './fixtures'

/** WebhookStore: one item per event id, kept for its validity, attempts counted, the first delivery kept. */
export function webhooksContract(name: string, makeStores: MakeStores) {
  describe(`WebhookStore (${name})`, () => {
    const setup = async () => {
      const clock = new TestClock()
      const stores = await makeStores({ now: clock.now })
      const accountId = uid('acct')
      const event = (eventId: string, validMs = 60_000): WebhookEvent => ({
        accountId,
        eventId,
        type: 'receipt',
        body: { id: eventId, type: 'receipt', messageId: 'M1', stat: 'DELIVRD' },
        createdAt: clock.iso(),
        validUntil: clock.iso(validMs),
        attempts: 0,
      })
      return { clock, stores, accountId, event }
    }

    it('stores an event once by id: a second put of the same id is refused and changes nothing', async () => {
      const { stores, accountId, event } = await setup()
      expect(await stores.webhooks.put(event('e1'))).toBe(true)
      expect(await stores.webhooks.put({ ...event('e1'), body: { other: true } })).toBe(false)
      expect((await stores.webhooks.get(accountId, 'e1'))?.body).toEqual({ id: 'e1', type: 'receipt', messageId: 'M1', stat: 'DELIVRD' })
      expect(await stores.webhooks.get(accountId, 'nope')).toBeUndefined()
    })

    it('lists valid events in id order, a page at a time, without the expired ones', async () => {
      const { clock, stores, accountId, event } = await setup()
      for (const e of [event('c'), event('a'), event('x', 1_000), event('b')]) await stores.webhooks.put(e)
      clock.advance(2_000)
      const first = await stores.webhooks.list(accountId, clock.now(), 2)
      expect(first.items.map((e) => e.eventId)).toEqual(['a', 'b'])
      const rest = await stores.webhooks.list(accountId, clock.now(), 10, first.cursor)
      expect(rest.items.map((e) => e.eventId)).toEqual(['c'])
      expect(rest.cursor).toBeUndefined()
    })

    it('counts attempts and keeps the first delivery time through later attempts', async () => {
      const { clock, stores, accountId, event } = await setup()
      await stores.webhooks.put(event('e1'))
      await stores.webhooks.recordAttempt(accountId, 'e1', { at: clock.iso(), status: 503, delivered: false })
      await stores.webhooks.recordAttempt(accountId, 'e1', { at: clock.iso(1000), status: 200, delivered: true })
      await stores.webhooks.recordAttempt(accountId, 'e1', { at: clock.iso(5000), status: 200, delivered: true })
      expect(await stores.webhooks.get(accountId, 'e1')).toMatchObject({
        attempts: 3,
        lastStatus: 200,
        lastAttemptAt: clock.iso(5000),
        deliveredAt: clock.iso(1000),
      })
      // An attempt on an event that is gone (TTL) is a no-op, not an error.
      await stores.webhooks.recordAttempt(accountId, 'gone', { at: clock.iso(), status: 200, delivered: true })
      expect(await stores.webhooks.get(accountId, 'gone')).toBeUndefined()
    })

    it('collects the parts of a long MO: the write that completes it gets every payload in order, and lists skip it', async () => {
      const { clock, stores, accountId } = await setup()
      const part = (seq: number) => ({ key: 'k1', seq, total: 3, payload: `p${seq}`, validUntil: clock.iso(60_000) })
      expect(await stores.webhooks.addPart(accountId, part(3))).toBeUndefined()
      expect(await stores.webhooks.addPart(accountId, part(1))).toBeUndefined()
      expect(await stores.webhooks.addPart(accountId, part(2))).toEqual(['p1', 'p2', 'p3'])
      expect(await stores.webhooks.addPart(accountId, part(2))).toEqual(['p1', 'p2', 'p3']) // a redelivered part
      expect((await stores.webhooks.list(accountId, clock.now(), 10)).items).toEqual([])
    })
  })
}
