import { createHash } from 'node:crypto'
import { z } from 'zod'
import { queueUrl } from '../config'
import { decodeText } from '../encoding/data-coding'
import { readPart } from '../encoding/segments'
import type { WebhookEvent } from '../ports'
import { EsmClass } from '../smpp/esm-class'
import { parseReceipt } from '../smpp/receipt'
import type { Deps } from './deps'
import { addHours } from './ids'
import type { DeliverPayload, MessageStateName } from './model'
import { messageStateOf } from './receipts'

/** webhook queue: one event to POST (lib/domain/webhook-send.ts). `replay`: send again even if delivered. */
export const WebhookJobSchema = z.object({
  v: z.literal(1),
  accountId: z.string().min(1),
  eventId: z.string().min(1),
  replay: z.boolean().optional(),
})
export type WebhookJob = z.infer<typeof WebhookJobSchema>
export const parseWebhookJob = (body: string) => WebhookJobSchema.parse(JSON.parse(body))

/**
 * The event id is the delivery's guard key hashed (RECEIPT#<messageId>#<state>, MO#<fingerprint>): every retry
 * of the pipeline names the same event, so the store keeps one and the receiver can dedupe by it.
 */
export const webhookEventId = (deliveryId: string): string => createHash('sha256').update(deliveryId).digest('hex').slice(0, 32)

const stateNames = new Map<number, MessageStateName>(
  (['ENROUTE', 'DELIVERED', 'EXPIRED', 'DELETED', 'UNDELIVERABLE', 'ACCEPTED', 'UNKNOWN', 'REJECTED'] as const).map((n) => [
    messageStateOf(n),
    n,
  ]),
)

/**
 * The JSON an account's webhook gets (docs/API.md "Webhooks"), from the deliver_sm the platform would send an SMPP
 * receiver: a receipt names the message id the submit answered and its state and error; an MO its text (or, binary,
 * its octets in hex). Addresses are as a handset sees them: a receipt comes `from` the recipient of the message.
 */
export function webhookBody(
  eventId: string,
  d: DeliverPayload,
  createdAt: string,
): { type: 'receipt' | 'mo'; body: Record<string, unknown> } {
  const part = readPart({ shortMessage: Buffer.from(d.shortMessage, 'base64'), esmClass: d.esmClass })
  const payload = part?.payload ?? Buffer.from(d.shortMessage, 'base64')
  const text = decodeText(d.dataCoding, payload, part?.tables)
  const common = { id: eventId, type: d.kind, createdAt, from: d.sourceAddr, to: d.destinationAddr }
  if (d.kind === 'mo') {
    return { type: 'mo', body: { ...common, dataCoding: d.dataCoding, ...(text === null ? { data: payload.toString('hex') } : { text }) } }
  }
  const r = text === null ? null : parseReceipt(text)
  return {
    type: 'receipt',
    body: {
      ...common,
      messageId: d.receiptedMessageId ?? r?.id,
      state: d.messageState === undefined ? undefined : stateNames.get(d.messageState),
      stat: r?.stat,
      err: r?.err,
      doneAt: r?.doneDate?.toISOString(),
      networkErrorCode: d.networkErrorCode,
    },
  }
}

/**
 * The webhook destination beside store and forward (lib/domain/deliver.ts): the event is kept for the pending validity
 * (listed and replayable from the API) and put on the webhook queue. A second run for the same delivery (the
 * pipeline's retry) finds the event stored and queues it again: the sender skips an event already delivered.
 */
export async function deliverToWebhook(
  deps: Deps,
  accountId: string,
  deliveryId: string,
  deliver: DeliverPayload,
): Promise<string | undefined> {
  const now = deps.now()
  const whole = deliver.kind === 'mo' ? await reassembled(deps, accountId, deliveryId, deliver) : { deliveryId, deliver }
  if (!whole) return undefined // a part of a long MO; the part that completes it sends the whole
  return storeAndQueue(deps, accountId, whole.deliveryId, whole.deliver, now)
}

/**
 * A long MO (TS 23.040 9.2.3.24.1 concatenation UDH, UDHI set in esm_class) is posted once, whole: each part is
 * collected under its concatenation key (sender, recipient, reference, total), and the part that completes the set
 * yields one MO of the parts' user data in order, whose delivery id is the key (so a redelivered part names the
 * same event). A single MO passes through as it is.
 */
async function reassembled(
  deps: Deps,
  accountId: string,
  deliveryId: string,
  d: DeliverPayload,
): Promise<{ deliveryId: string; deliver: DeliverPayload } | undefined> {
  const part = readPart({ shortMessage: Buffer.from(d.shortMessage, 'base64'), esmClass: d.esmClass })
  if (!part?.concat || part.concat.total < 2) return { deliveryId, deliver: d }
  const { scheme, reference, total, seq } = part.concat
  const key = createHash('sha256').update([d.sourceAddr, d.destinationAddr, scheme, reference, total].join('|')).digest('hex').slice(0, 32)
  const validUntil = addHours(deps.now(), deps.cfg.pendingValidityHours).toISOString()
  const payloads = await deps.stores.webhooks.addPart(accountId, { key, seq, total, payload: part.payload.toString('base64'), validUntil })
  if (!payloads) return undefined
  const shortMessage = Buffer.concat(payloads.map((p) => Buffer.from(p, 'base64'))).toString('base64')
  return { deliveryId: `MO-LONG#${key}`, deliver: { ...d, esmClass: d.esmClass & ~EsmClass.UdhIndicator, shortMessage } }
}

async function storeAndQueue(deps: Deps, accountId: string, deliveryId: string, deliver: DeliverPayload, now: Date): Promise<string> {
  const eventId = webhookEventId(deliveryId)
  const { type, body } = webhookBody(eventId, deliver, now.toISOString())
  const event: WebhookEvent = {
    accountId,
    eventId,
    type,
    body,
    createdAt: now.toISOString(),
    validUntil: addHours(now, deps.cfg.pendingValidityHours).toISOString(),
    attempts: 0,
  }
  await deps.stores.webhooks.put(event)
  const job: WebhookJob = { v: 1, accountId, eventId }
  await deps.queues.send(queueUrl(deps.cfg, 'webhook'), job)
  return eventId
}
