import { describe, expect, it } from 'vitest'
import { Status } from '../smpp/status'
import { statusThrown as statusOf } from './fixtures'
import type { DispatchJob } from './jobs'
import type { MessageRecord } from './model'
import { type Replacement, replacementOf } from './replace'

const now = new Date('2026-06-01T12:00:00.000Z')
const at = (sec: number) => new Date(now.getTime() + sec * 1000).toISOString()
const job = {
  v: 1,
  messageId: 'm1',
  esmClass: 0,
  shortMessage: 'b2xk',
  registeredDelivery: 1,
  messagePayload: 'eA==',
} as unknown as DispatchJob
const scheduled: MessageRecord = {
  messageId: 'm1',
  accountId: 'a',
  state: 'SCHEDULED',
  sourceAddr: 's',
  destinationAddr: '447700900001',
  dataCoding: 0,
  esmClass: 0,
  registeredDelivery: 1,
  parts: 1,
  price: 7,
  cost: 7,
  currency: 'EUR',
  tariffPrefix: '447',
  errorCode: 0,
  createdAt: at(-10),
  refunded: false,
  text: 'old',
  scheduledAt: at(90),
  validUntil: at(3600),
  dueAt: at(90),
  deferred: job,
}
const account = { balance: 100, creditLimit: 0 }
const r = (patch: Partial<Replacement> = {}): Replacement => ({
  scheduleDeliveryTime: '',
  validityPeriod: '',
  registeredDelivery: 0,
  shortMessage: Buffer.from('new'),
  text: 'new',
  parts: 1,
  ...patch,
})

describe('replace_sm of a scheduled message (SMPP 3.4 4.10)', () => {
  it('replaces text and registered_delivery, keeps the times when the fields are empty, and needs no adjustment at the same price', () => {
    const { patch, when } = replacementOf(scheduled, account, r(), now)
    expect(patch).toMatchObject({
      text: 'new',
      registeredDelivery: 0,
      scheduledAt: at(90),
      validUntil: at(3600),
      cost: 7,
      replaced: 1,
      dueAt: at(90),
    })
    expect(patch.adjust).toBeUndefined()
    expect(patch.deferred).toEqual({
      v: 1,
      messageId: 'm1',
      esmClass: 0,
      shortMessage: Buffer.from('new').toString('base64'),
      registeredDelivery: 0,
    })
    expect(when).toEqual({ states: ['SCHEDULED'], replaced: 0, cost: 7 })
  })

  it('re-prices a longer text: the difference is due at once, on top of one still pending', () => {
    const { patch } = replacementOf({ ...scheduled, adjust: { cost: -7, parts: -1 }, replaced: 2 }, account, r({ parts: 3 }), now)
    expect(patch).toMatchObject({ cost: 21, parts: 3, adjust: { cost: 7, parts: 1 }, replaced: 3, dueAt: now.toISOString() })
  })

  it('moves the schedule and the validity to the new relative times', () => {
    const { patch } = replacementOf(
      scheduled,
      account,
      r({ scheduleDeliveryTime: '000000000300000R', validityPeriod: '000000001000000R' }),
      now,
    )
    expect(patch).toMatchObject({ scheduledAt: at(180), validUntil: at(600), dueAt: at(180) })
  })

  it('refuses what cannot be replaced', () => {
    expect(statusOf(() => replacementOf({ ...scheduled, state: 'ENROUTE' }, account, r(), now))).toBe(Status.ReplaceFail)
    expect(statusOf(() => replacementOf({ ...scheduled, deferred: { ...job, esmClass: 0x40 } }, account, r(), now))).toBe(
      Status.ReplaceFail,
    )
    expect(statusOf(() => replacementOf(scheduled, { balance: 10, creditLimit: 0 }, r({ parts: 3 }), now))).toBe(Status.ReplaceFail)
    expect(statusOf(() => replacementOf(scheduled, account, r({ scheduleDeliveryTime: '000000020000000R' }), now))).toBe(Status.InvExpiry)
    expect(statusOf(() => replacementOf(scheduled, account, r({ scheduleDeliveryTime: 'bad' }), now))).toBe(Status.InvSched)
  })
})
