import { Status } from '../smpp/status'
import { SmppError } from './errors'
import type { Account, MessageRecord, MessageStateName } from './model'
import { FinalStates } from './model'
import { parseSchedule, parseValidity } from './smpp-time'

/**
 * When a message may go and until when it may be delivered (SMPP 3.4 sections 5.2.15, 5.2.16; docs/PIPELINE.md
 * "Scheduled and expiring messages"). Platform bounds, used where the account sets none:
 * - a validity of 48 h by default and 7 days at most, counted from the scheduled time (or receipt);
 * - a schedule at most 7 days ahead, so a message and its validity stay inside the records' 30-day retention.
 */
export const TimeLimits = {
  defaultValiditySec: 48 * 3600,
  maxValiditySec: 7 * 86_400,
  maxScheduleAheadSec: 7 * 86_400,
  /** A released message with no upstream yet is looked at again after this, and its dispatch job re-sent. */
  recheckSec: 300,
} as const

/**
 * Until when a receipt or MO stored for an account with no receiver bound is kept (issue 14): the account's own
 * validity, the one a message it sends gets by default (validityDefaultSec, at most validityMaxSec), so an operator
 * sets one figure for both directions. An account that sets none keeps the platform's `fallbackHours`
 * (PENDING_VALIDITY_HOURS, 72 h). deliver_sm itself carries no validity_period (SMPP 3.4 4.6.1: NULL), so the
 * SMSC's policy decides.
 */
export function storedUntil(account: AccountTimes | undefined, now: Date, fallbackHours: number): Date {
  const max = account?.validityMaxSec ?? TimeLimits.maxValiditySec
  return plusSec(now, Math.min(account?.validityDefaultSec ?? fallbackHours * 3600, max))
}

export interface MessageTimes {
  scheduledAt?: string // ISO; absent: send now
  validUntil: string // ISO
}

export type TimeFields = { scheduleDeliveryTime: string; validityPeriod: string }
type AccountTimes = Pick<Account, 'validityDefaultSec' | 'validityMaxSec'>

const plusSec = (d: Date, sec: number) => new Date(d.getTime() + sec * 1000)

/**
 * The times of a message received at `receivedAt` and decided at `now`. A schedule in the past means "now" (the
 * client's clock may lag); one beyond maxScheduleAheadSec is ESME_RINVSCHED. The validity is the client's, the
 * account's default when empty, and never beyond the account's maximum (clamped, as SMSCs do, not refused);
 * one that ends before the message could go is ESME_RINVEXPIRY.
 */
export function messageTimes(account: AccountTimes, fields: TimeFields, receivedAt: Date, now: Date): MessageTimes {
  const schedule = parseSchedule(fields.scheduleDeliveryTime, receivedAt)
  if (schedule && schedule > plusSec(receivedAt, TimeLimits.maxScheduleAheadSec))
    throw new SmppError(Status.InvSched, `schedule_delivery_time more than ${TimeLimits.maxScheduleAheadSec / 86_400} days ahead`)
  const scheduledAt = schedule && schedule > now ? schedule : undefined
  const validUntil = validityFrom(account, fields.validityPeriod, receivedAt, scheduledAt ?? now)
  return { ...(scheduledAt ? { scheduledAt: scheduledAt.toISOString() } : {}), validUntil: validUntil.toISOString() }
}

function validityFrom(account: AccountTimes, field: string, receivedAt: Date, base: Date): Date {
  const maxSec = account.validityMaxSec ?? TimeLimits.maxValiditySec
  const requested = parseValidity(field, receivedAt)
  if (requested && requested <= base) throw new SmppError(Status.InvExpiry, 'validity_period ends before the message could be delivered')
  const max = plusSec(base, maxSec)
  const wanted = requested ?? plusSec(base, Math.min(account.validityDefaultSec ?? TimeLimits.defaultValiditySec, maxSec))
  return new Date(Math.min(wanted.getTime(), max.getTime()))
}

/** replace_sm (section 4.10) acts only on a message still waiting for its time: once released, a carrier may hold it. */
export const ReplaceableStates: readonly MessageStateName[] = ['SCHEDULED']

/** The charge a replacement moves: positive takes more from the balance, negative gives back. */
export const repriceDelta = (oldCost: number, newParts: number, pricePerPart: number): number => newParts * pricePerPart - oldCost

/**
 * What the due-time sweep (lib/domain/due.ts) does with a record whose dueAt has come:
 * - adjust: a replace_sm's price difference is still to charge or refund (first, before anything moves);
 * - settle: a final state (a cancel_sm, or an expiry cut short) whose effects are still to run;
 * - expire: past its validity and not final: EXPIRED, through settle;
 * - release: scheduled and its time has come: dispatch it;
 * - resend: released earlier, but no upstream took it yet (its dispatch job may be lost): send it again;
 * - wait: a replace_sm moved its time later; park: handed to a carrier, wait for the receipt or the validity.
 */
export type DueAction = 'adjust' | 'settle' | 'expire' | 'release' | 'resend' | 'wait' | 'park'

export function dueAction(m: MessageRecord, now: Date): DueAction {
  if (m.adjust) return 'adjust'
  if (FinalStates.has(m.state)) return 'settle'
  if (m.validUntil && Date.parse(m.validUntil) <= now.getTime()) return 'expire'
  if (m.state === 'SCHEDULED') return m.scheduledAt && Date.parse(m.scheduledAt) > now.getTime() ? 'wait' : 'release'
  if (m.state === 'ACCEPTED' && !m.upstreamId && m.deferred) return 'resend'
  return 'park'
}

/** The next time the sweep looks at a record after `action` ran (undefined: never, the record is done). */
export function nextDueAt(m: MessageRecord, action: DueAction, now: Date): string | undefined {
  const validity = m.validUntil
  switch (action) {
    case 'settle':
    case 'expire':
      return undefined
    case 'release':
    case 'resend': {
      const recheck = plusSec(now, TimeLimits.recheckSec).toISOString()
      return validity && validity < recheck ? validity : recheck
    }
    case 'wait':
      return m.scheduledAt
    case 'adjust':
      if (FinalStates.has(m.state)) return now.toISOString() // its settle is due next
      return m.state === 'SCHEDULED' ? m.scheduledAt : validity
    case 'park':
      return validity
  }
}
