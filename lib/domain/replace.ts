import type { AmendCondition, AmendPatch } from '../ports'
import { Status } from '../smpp/status'
import { ReplaceableStates, repriceDelta, TimeLimits } from './deferral'
import { SmppError } from './errors'
import type { Account, MessageRecord } from './model'
import { parseSchedule, parseValidity } from './smpp-time'

/** What a replace_sm (SMPP 3.4 section 4.10) brings, the text already decoded and counted by the node. */
export interface Replacement {
  scheduleDeliveryTime: string // empty: keep the schedule
  validityPeriod: string // empty: keep the validity
  registeredDelivery: number
  shortMessage: Buffer
  text: string // decoded, for the receipt's text: field
  parts: number
}

const replaceFail = (why: string) => new SmppError(Status.ReplaceFail, why)

/**
 * The one conditional write of a replace_sm: new text, times and registered_delivery, re-priced at the message's
 * price per part. The difference waits on the record (`adjust`) for the due sweep to put on the ledger, and the
 * record is due at once when there is one. The condition (still SCHEDULED, same replace count and cost) makes a
 * replace racing a release, a cancel or another replace fail instead of mixing. A difference the account cannot
 * cover (balance + creditLimit) is ESME_RREPLACEFAIL: replace_sm_resp has no status of its own for it.
 */
export function replacementOf(
  record: MessageRecord,
  account: Pick<Account, 'balance' | 'creditLimit' | 'validityMaxSec'>,
  r: Replacement,
  now: Date,
): { patch: AmendPatch; when: AmendCondition } {
  if (!ReplaceableStates.includes(record.state) || !record.deferred) throw replaceFail(`message ${record.messageId} is no longer waiting`)
  // A segment of a long message is one record of several: replacing one part alone would garble the whole.
  if (record.deferred.sar || (record.deferred.esmClass & 0x40) !== 0) throw replaceFail('a segment of a long message cannot be replaced')
  const schedule = parseSchedule(r.scheduleDeliveryTime, now) ?? new Date(record.scheduledAt ?? now)
  const scheduledAt = schedule > now ? schedule : now
  const requested = parseValidity(r.validityPeriod, now)
  const max = new Date(scheduledAt.getTime() + (account.validityMaxSec ?? TimeLimits.maxValiditySec) * 1000)
  const validity = requested ? (requested < max ? requested : max) : new Date(record.validUntil ?? max)
  if (validity <= scheduledAt) throw new SmppError(Status.InvExpiry, 'validity_period ends before the scheduled time')
  const cost = r.parts * record.price
  const delta = repriceDelta(record.cost, r.parts, record.price)
  if (delta > 0 && account.balance + account.creditLimit < delta) throw replaceFail('the balance does not cover the longer text')
  const adjust = { cost: (record.adjust?.cost ?? 0) + delta, parts: (record.adjust?.parts ?? 0) + r.parts - record.parts }
  const replaced = record.replaced ?? 0
  const pending = adjust.cost !== 0 || adjust.parts !== 0
  const { messagePayload: _payload, ...job } = record.deferred
  return {
    patch: {
      text: r.text,
      registeredDelivery: r.registeredDelivery,
      scheduledAt: scheduledAt.toISOString(),
      validUntil: validity.toISOString(),
      parts: r.parts,
      cost,
      adjust: pending ? adjust : undefined,
      replaced: replaced + 1,
      dueAt: pending ? now.toISOString() : scheduledAt.toISOString(),
      deferred: { ...job, shortMessage: r.shortMessage.toString('base64'), registeredDelivery: r.registeredDelivery },
    },
    when: { states: ReplaceableStates, replaced, cost: record.cost },
  }
}
