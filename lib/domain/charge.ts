import type { Charge } from '../ports'
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
    ...(account.duplicateWindowSec > 0 && {
      duplicate: {
        // Binary content has no text: its octets are the fingerprint.
        key: duplicateKey(account.accountId, destination, job.text || job.shortMessage + (job.messagePayload ?? '')),
        expiresAt: epochSec(now) + account.duplicateWindowSec,
      },
    }),
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
