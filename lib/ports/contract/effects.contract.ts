import { describe, expect, it } from 'vitest'
import type { PendingDelivery, UsageRow } from '../../domain/model'
import type { OnceEffect } from '../effects'
import { aCharge, aMessage, aReceipt, fundedAccount, type MakeStores, TestClock, uid } from './fixtures'

/** EffectStore: each effect lands with its once-only marker or not at all, and a marker already there writes nothing. */
export function effectsContract(name: string, makeStores: MakeStores) {
  describe(`EffectStore (${name})`, () => {
    const setup = async () => {
      const clock = new TestClock()
      const stores = await makeStores({ now: clock.now })
      const account = await fundedAccount(stores, clock, { balance: 10_000 })
      const charged = async () => {
        const message = aMessage(clock, account.accountId)
        expect(await stores.ledger.chargeOnce(aCharge(clock, message))).toEqual({ result: 'charged' })
        return message
      }
      const day = clock.iso().slice(0, 10)
      const usage = (status: string): UsageRow => ({
        accountId: account.accountId,
        day,
        prefix: '49',
        status,
        messages: 1,
        parts: 2,
        cost: 10,
        refunds: 0,
      })
      const pending = (deliveryId: string): PendingDelivery => ({
        accountId: account.accountId,
        deliveryId,
        createdAt: clock.iso(),
        validUntil: clock.iso(3_600_000),
        deliver: aReceipt(`id:${deliveryId} stat:DELIVRD`),
      })
      const delivered = (messageId: string, status = 'DELIVERED'): OnceEffect => ({
        once: {
          kind: 'state',
          messageId,
          from: ['ACCEPTED', 'ENROUTE'],
          to: 'DELIVERED',
          patch: { doneAt: clock.iso(), errorCode: 0, settledOnce: { state: 'DELIVERED' } },
        },
        pending: pending(`RECEIPT#${messageId}#DELIVERED`),
        usage: usage(status),
      })
      const counted = async (status: string) =>
        (await stores.usage.query(account.accountId, day, day)).find((u) => u.status === status)?.messages ?? 0
      const stored = async () => (await stores.pending.list(account.accountId, clock.now(), 50)).map((p) => p.deliveryId).sort()
      return { clock, stores, charged, delivered, pending, counted, stored }
    }

    it('moves the state with its receipt and usage row once: a second commit writes nothing', async () => {
      const { stores, charged, delivered, counted, stored } = await setup()
      const m = await charged()
      const [first] = await stores.effects.commit([delivered(m.messageId)])
      expect(first).toMatchObject({ outcome: 'done', pendingSk: expect.stringContaining(`#RECEIPT#${m.messageId}#DELIVERED`) })
      expect(await stores.messages.get(m.messageId)).toMatchObject({ state: 'DELIVERED', settledOnce: { state: 'DELIVERED' } })
      expect(await stores.effects.commit([delivered(m.messageId)])).toEqual([{ outcome: 'already' }])
      expect(await stored()).toEqual([`RECEIPT#${m.messageId}#DELIVERED`])
      expect(await counted('DELIVERED')).toBe(1)
    })

    it('sums one counter over a batch; a marker already there, or twice in the batch, stops only its own effect', async () => {
      const { stores, charged, delivered, counted, stored } = await setup()
      const [a, b, c] = [await charged(), await charged(), await charged()]
      await stores.messages.transition(c.messageId, ['ACCEPTED'], 'UNDELIVERABLE') // c's receipt comes too late
      const out = await stores.effects.commit([
        delivered(a.messageId),
        delivered(c.messageId),
        delivered(b.messageId),
        delivered(a.messageId), // a carrier's duplicate receipt in the same batch
      ])
      expect(out.map((o) => o.outcome)).toEqual(['done', 'already', 'done', 'already'])
      expect(await counted('DELIVERED')).toBe(2)
      expect(await stored()).toEqual([a, b].map((m) => `RECEIPT#${m.messageId}#DELIVERED`).sort())
      expect((await stores.messages.get(c.messageId))!.state).toBe('UNDELIVERABLE')
    })

    it('a guard marker is written as done with its effect; expired, it is free again', async () => {
      const { clock, stores, pending, stored } = await setup()
      const key = `MO#${uid('fp')}`
      const mo = (): OnceEffect => ({ once: { kind: 'guard', key, expiresAt: clock.sec() + 60 }, pending: pending(key) })
      expect((await stores.effects.commit([mo(), mo()])).map((o) => o.outcome)).toEqual(['done', 'already'])
      expect(await stores.guards.take(key, clock.sec() + 5)).toBe('done') // the webhook path's guarded copy sees it done
      expect(await stored()).toEqual([key])
      clock.advance(61_000)
      expect((await stores.effects.commit([mo()])).map((o) => o.outcome)).toEqual(['done'])
    })
  })
}
