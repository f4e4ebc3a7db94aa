import { loadConfig } from '../../lib/config'
import { parseWebhookJob } from '../../lib/domain/webhook-event'
import { sendWebhook, webhookBackoffSec } from '../../lib/domain/webhook-send'
import { observed } from '../observe'
import type { SqsBatchResponse, SqsEvent } from '../types'
import { buildWebhookDeps } from '../wiring'

const deps = buildWebhookDeps(loadConfig('webhook')) // once per cold start: a bad env fails here, not mid-batch

/**
 * Webhook queue -> one signed POST per event (lib/domain/webhook-send.ts), the batch's records at once. A failed
 * attempt sets the record's visibility to the backoff of its receive count before it is reported failed, so SQS
 * brings it back after 2 s, 4 s, 8 s, ... up to an hour (the event source leaves a failed record's visibility as it
 * is), not after the queue's fixed 60 s; redrive ends it in the DLQ after maxReceiveCount, and an event past its
 * validity is dropped.
 */
export const handler = observed(deps, 'webhook', async (event: SqsEvent): Promise<SqsBatchResponse> => {
  const failed = await Promise.all(
    event.Records.map(async (record) => {
      try {
        const outcome = await sendWebhook(deps, parseWebhookJob(record.body))
        if (typeof outcome !== 'object') return undefined
        const backoff = webhookBackoffSec(Number(record.attributes?.ApproximateReceiveCount ?? 1), deps.cfg.webhook.retryBaseSec)
        if (record.receiptHandle) await deps.queues.changeVisibility(deps.cfg.queues.webhook, record.receiptHandle, backoff)
        deps.log.info('webhook attempt failed', { messageId: record.messageId, status: outcome.retry, nextInSec: backoff })
      } catch (err) {
        deps.log.error('webhook failed', { messageId: record.messageId, err }) // retried after the queue's visibility timeout
      }
      return { itemIdentifier: record.messageId }
    }),
  )
  return { batchItemFailures: failed.filter((f) => f !== undefined) }
})
