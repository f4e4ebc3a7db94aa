import { createHmac } from 'node:crypto'
import type { Log, Stores } from '../ports'
import type { WebhookPoster } from '../ports/webhook-poster'
import type { WebhookJob } from './webhook-event'

/**
 * The signature header (docs/API.md "Webhooks"): `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` keyed with the
 * account's webhook secret. The receiver recomputes it over the raw body and refuses a t too far from its clock, so a
 * captured request cannot be replayed later; it dedupes by the `id` in the body (also in WebhookIdHeader).
 */
export const SignatureHeader = 'x-webhook-signature'
export const WebhookIdHeader = 'x-webhook-id'

export const signWebhook = (secret: string, t: number, body: string): string =>
  `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`

export interface WebhookSendDeps {
  stores: Pick<Stores, 'webhooks' | 'accounts'>
  poster: WebhookPoster
  now(): Date
  log: Log
}

export type WebhookOutcome = 'delivered' | 'already-delivered' | 'gone' | { retry: number }

/**
 * One attempt for one event: skipped when already delivered (a second copy of the job; a replay sends anyway), dropped
 * when past its validity or when the account has no webhook any more, else POSTed and the attempt recorded. A 2xx is
 * delivered; anything else asks for a retry (the caller backs off through the queue: webhookBackoffSec).
 */
export async function sendWebhook(deps: WebhookSendDeps, job: WebhookJob): Promise<WebhookOutcome> {
  const event = await deps.stores.webhooks.get(job.accountId, job.eventId)
  const now = deps.now()
  if (!event || Date.parse(event.validUntil) <= now.getTime()) {
    deps.log.warn('webhook event past its validity dropped', { accountId: job.accountId, eventId: job.eventId, attempts: event?.attempts })
    return 'gone'
  }
  if (event.deliveredAt && !job.replay) return 'already-delivered'
  const account = await deps.stores.accounts.get(job.accountId)
  if (!account?.webhookUrl || !account.webhookSecret) {
    deps.log.warn('webhook event for an account without a webhook dropped', { accountId: job.accountId, eventId: job.eventId })
    return 'gone'
  }
  const body = JSON.stringify(event.body)
  const t = Math.floor(now.getTime() / 1000)
  const status = await deps.poster.post(account.webhookUrl, body, {
    [SignatureHeader]: signWebhook(account.webhookSecret, t, body),
    [WebhookIdHeader]: event.eventId,
  })
  const delivered = status >= 200 && status < 300
  await deps.stores.webhooks.recordAttempt(job.accountId, job.eventId, { at: now.toISOString(), status, delivered })
  return delivered ? 'delivered' : { retry: status }
}

export const WebhookMaxBackoffSec = 3_600

/** Exponential backoff by receive count: base, 2 x base, 4 x base, ... at most an hour (SQS allows 12 h of visibility). */
export const webhookBackoffSec = (receiveCount: number, baseSec: number): number =>
  Math.min(WebhookMaxBackoffSec, baseSec * 2 ** Math.max(0, Math.min(receiveCount - 1, 20)))
