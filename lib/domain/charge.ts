import type { Charge } from '../ports'
import { AdoptionWindowSec, canAdopt } from './adoption'
import { duplicateKey } from './content'
import type { MessageTimes } from './deferral'
import { addHours, epochSec, recordId, utcDay } from './ids'
import type { DispatchJob, SubmitJob } from './jobs'
import type { Account } from './model'
import { costOf, type Quote } from './pricing'

/** First 20 characters (code points) of the text, kept for the receipt's text: field (Appendix B). */
export const receiptText = (text: string): string => Array.from(text).slice(0, 20).join('')

/**
 * The one transaction that charges destination `index` of a job: the ACCEPTED message record, the
 * ledger entry, the usage counters, the decision (status 0) and the duplicate fingerprint. A message with a
 * schedule is charged now and recorded SCHEDULED with its dispatch job; every message carries its validity, and
 * its first due time (the schedule, else the validity) puts it in the due index in the same write.
 */
export function chargeFor(
  job: SubmitJob,
  index: number,
  account: Account,
  q: Quote,
  now: Date,
  retentionDays: number,
  times?: MessageTimes,
): Charge {
  const messageId = recordId(job.messageId, index)
  const destination = job.destinations[index].addr
  const cost = costOf(job.parts, q.tariff)
  const at = now.toISOString()
  return {
    message: {
      messageId,
      accountId: account.accountId,
      state: times?.scheduledAt ? 'SCHEDULED' : 'ACCEPTED',
      sourceAddr: job.sourceAddr,
      destinationAddr: destination,
      dataCoding: job.dataCoding,
      esmClass: job.esmClass,
      registeredDelivery: job.registeredDelivery,
      parts: Math.max(1, job.parts),
      price: q.tariff.price,
      cost,
      currency: account.currency,
      tariffPrefix: q.tariff.prefix,
      ...(q.tariff.country === undefined ? {} : { country: q.tariff.country }),
      errorCode: 0,
      createdAt: at,
      refunded: false,
      text: receiptText(job.text),
      ...(job.serviceType && { serviceType: job.serviceType }),
      ...(times && { validUntil: times.validUntil, dueAt: times.scheduledAt ?? times.validUntil }),
      ...(times?.scheduledAt && { scheduledAt: times.scheduledAt, deferred: dispatchJobFor(job, index, q.upstreams) }),
    },
    entry: { accountId: account.accountId, entryId: `charge-${messageId}`, at, kind: 'charge', amount: -cost, messageId },
    usageDay: utcDay(now),
    ...fingerprint(job, index, account, now, messageId),
    decisionExpiresAt: epochSec(addHours(now, retentionDays * 24)),
  }
}

/** The dispatch queue's job for destination `index`, attempt 0, with the route's upstreams in order. */
export function dispatchJobFor(job: SubmitJob, index: number, upstreams: string[]): DispatchJob {
  const dest = job.destinations[index]
  return {
    v: 1,
    messageId: recordId(job.messageId, index),
    accountId: job.accountId,
    sourceAddr: job.sourceAddr,
    sourceAddrTon: job.sourceAddrTon,
    sourceAddrNpi: job.sourceAddrNpi,
    destinationAddr: dest.addr,
    destAddrTon: dest.ton,
    destAddrNpi: dest.npi,
    esmClass: job.esmClass,
    dataCoding: job.dataCoding,
    registeredDelivery: job.registeredDelivery,
    shortMessage: job.shortMessage,
    ...(job.messagePayload === undefined ? {} : { messagePayload: job.messagePayload }),
    ...(job.sar === undefined ? {} : { sar: job.sar }),
    upstreams,
    attempt: 0,
  }
}

/**
 * The duplicate fingerprint: for the account's duplicate window, and (issue 18) for the adoption window
 * when a node waits to answer the submit, naming its owner so that a re-send after the node died finds it.
 */
function fingerprint(job: SubmitJob, index: number, account: Account, now: Date, messageId: string): Pick<Charge, 'duplicate'> {
  const window = account.duplicateWindowSec
  const adoptable = job.incarnation !== undefined && canAdopt(job)
  if (window <= 0 && !adoptable) return {}
  // Binary content has no text: its octets are the fingerprint.
  const key = duplicateKey(account.accountId, job.destinations[index].addr, job.text || job.shortMessage + (job.messagePayload ?? ''))
  const at = epochSec(now)
  if (!adoptable) return { duplicate: { key, expiresAt: at + window } }
  const owner = {
    messageId,
    sourceAddr: job.sourceAddr,
    registeredDelivery: job.registeredDelivery,
    incarnation: job.incarnation!,
    chargedAt: at,
    // Compared with the node's answer record (issue 18, adoption.ts wasAnswered); unreadable means unknown.
    ...(Number.isFinite(Date.parse(job.receivedAt)) && { receivedAtMs: Date.parse(job.receivedAt) }),
  }
  // Without a window the fingerprint refuses nothing (dupUntil already past) and only serves adoption.
  const dupUntil = window > 0 ? at + window : at - 1
  return { duplicate: { key, expiresAt: Math.max(at + window, at + AdoptionWindowSec), dupUntil, owner } }
}
