import { clientMessageId, utcDay } from './ids'
import type { DeliverPayload, MessageRecord, UsageRow } from './model'
import { receiptDeliver } from './receipts'

/** What a state's effects write, built once for both ways of making them once-only (./settle.ts, ./settle-once.ts). */

/** The usage row of a final state: the charge's day, so a message's rows sit together. */
export const usageRowOf = (record: MessageRecord): UsageRow => ({
  accountId: record.accountId,
  day: utcDay(record.createdAt),
  prefix: record.tariffPrefix,
  country: record.country,
  status: record.state,
  messages: 1,
  parts: record.parts,
  cost: record.cost,
  refunds: 0,
})

/** The receipt deliver_sm of the record's state (SMPP 3.4 Appendix B text, receipted_message_id and message_state TLVs). */
export const receiptOf = (record: MessageRecord, now: Date, networkErrorCode?: string): DeliverPayload =>
  receiptDeliver({
    messageId: clientMessageId(record.messageId),
    sourceAddr: record.sourceAddr,
    destinationAddr: record.destinationAddr,
    submitDate: new Date(record.createdAt),
    doneDate: record.doneAt ? new Date(record.doneAt) : now,
    state: record.state,
    err: record.errorCode,
    text: record.text,
    networkErrorCode,
  })
