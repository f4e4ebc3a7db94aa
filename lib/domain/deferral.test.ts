import { describe, expect, it } from 'vitest'
import { Status } from '../smpp/status'
import { dueAction, messageTimes, nextDueAt, repriceDelta, TimeLimits } from './deferral'
import { statusThrown as statusOf } from './fixtures'
import type { MessageRecord } from './model'

const now = new Date('2026-06-01T12:00:00.000Z')
const at = (sec: number) => new Date(now.getTime() + sec * 1000).toISOString()
const fields = (scheduleDeliveryTime = '', validityPeriod = '') => ({ scheduleDeliveryTime, validityPeriod })

describe('messageTimes: schedule_delivery_time and validity_period (SMPP 3.4 5.2.15, 5.2.16)', () => {
  it('sends at once with the platform default validity when both fields are empty', () => {
    expect(messageTimes({}, fields(), now, now)).toEqual({ validUntil: at(TimeLimits.defaultValiditySec) })
  })

  it('schedules a relative time and counts the default validity from it', () => {
    expect(messageTimes({ validityDefaultSec: 600 }, fields('000000000130000R'), now, now)).toEqual({
      scheduledAt: at(90),
      validUntil: at(90 + 600),
    })
  })

  it('keeps the client’s validity under the account maximum and clamps one beyond it', () => {
    const account = { validityDefaultSec: 600, validityMaxSec: 3600 }
    expect(messageTimes(account, fields('', '000000000200000R'), now, now).validUntil).toBe(at(120))
    expect(messageTimes(account, fields('', '000001000000000R'), now, now).validUntil).toBe(at(3600))
  })

  it('never gives a default longer than the maximum', () => {
    expect(messageTimes({ validityDefaultSec: 7200, validityMaxSec: 60 }, fields(), now, now).validUntil).toBe(at(60))
  })

  it('treats a schedule already past (a lagging client clock) as now', () => {
    expect(messageTimes({}, fields('260601115900000+'), now, now).scheduledAt).toBeUndefined()
  })

  it('refuses a schedule beyond the horizon with ESME_RINVSCHED', () => {
    expect(statusOf(() => messageTimes({}, fields('000008000000000R'), now, now))).toBe(Status.InvSched)
  })

  it('refuses a validity that ends before the schedule with ESME_RINVEXPIRY', () => {
    expect(statusOf(() => messageTimes({}, fields('000000010000000R', '000000003000000R'), now, now))).toBe(Status.InvExpiry)
    expect(statusOf(() => messageTimes({}, fields('', '260601110000000+'), now, now))).toBe(Status.InvExpiry)
  })
})

describe('repriceDelta', () => {
  it('charges the difference of a longer text and refunds that of a shorter one', () => {
    expect(repriceDelta(5, 3, 5)).toBe(10)
    expect(repriceDelta(15, 1, 5)).toBe(-10)
    expect(repriceDelta(5, 1, 5)).toBe(0)
  })
})

const record = (patch: Partial<MessageRecord>): MessageRecord => ({
  messageId: 'm1',
  accountId: 'a',
  state: 'ACCEPTED',
  sourceAddr: 's',
  destinationAddr: 'd',
  dataCoding: 0,
  esmClass: 0,
  registeredDelivery: 1,
  parts: 1,
  price: 5,
  cost: 5,
  currency: 'EUR',
  tariffPrefix: '',
  errorCode: 0,
  createdAt: at(-60),
  refunded: false,
  text: 'hi',
  validUntil: at(600),
  ...patch,
})

describe('dueAction: what the due-time sweep does with a record', () => {
  const job = { v: 1 } as unknown as MessageRecord['deferred']
  it.each([
    [{ adjust: { cost: 10, parts: 2 }, state: 'SCHEDULED' as const, scheduledAt: at(60) }, 'adjust'],
    [{ state: 'DELETED' as const }, 'settle'],
    [{ state: 'ENROUTE' as const, validUntil: at(0), upstreamId: 'sim' }, 'expire'],
    [{ state: 'SCHEDULED' as const, scheduledAt: at(-1), validUntil: at(-1) }, 'expire'],
    [{ state: 'SCHEDULED' as const, scheduledAt: at(0) }, 'release'],
    [{ state: 'SCHEDULED' as const, scheduledAt: at(1) }, 'wait'],
    [{ state: 'ACCEPTED' as const, deferred: job }, 'resend'],
    [{ state: 'ACCEPTED' as const, deferred: job, upstreamId: 'sim' }, 'park'],
    [{ state: 'ENROUTE' as const }, 'park'],
  ])('%o -> %s', (patch, action) => {
    expect(dueAction(record(patch), now)).toBe(action)
  })

  it('looks again at a released message after the recheck, or at its validity when sooner', () => {
    expect(nextDueAt(record({ validUntil: at(9_999) }), 'release', now)).toBe(at(TimeLimits.recheckSec))
    expect(nextDueAt(record({ validUntil: at(30) }), 'release', now)).toBe(at(30))
    expect(nextDueAt(record({}), 'park', now)).toBe(at(600))
    expect(nextDueAt(record({ state: 'EXPIRED' }), 'expire', now)).toBeUndefined()
  })
})
