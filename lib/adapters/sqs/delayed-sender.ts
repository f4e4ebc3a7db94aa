import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs'
import { type DelayedQueueSender, MaxDelaySeconds } from '../../ports/delayed-queue'
import { QueueError } from './queues'

/** DelayedQueueSender on SQS: SendMessageBatch entries of 10, each with its own DelaySeconds (bounded to SQS's 0-900). */
export function sqsDelayedSender(sqs: SQSClient): DelayedQueueSender {
  return {
    async sendDelayed(queueUrl, items) {
      for (let i = 0; i < items.length; i += 10) {
        const Entries = items.slice(i, i + 10).map((item, j) => ({
          Id: String(j),
          MessageBody: JSON.stringify(item.body),
          DelaySeconds: Math.min(MaxDelaySeconds, Math.max(0, Math.ceil(item.delaySeconds))),
        }))
        let failed: number
        try {
          failed = (await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries }))).Failed?.length ?? 0
        } catch (err) {
          throw new QueueError('SendMessageBatch', queueUrl, err)
        }
        // The caller answers its own client with a failure, which retries the whole: a partial batch is not kept apart.
        if (failed > 0) throw new QueueError('SendMessageBatch', queueUrl, new Error(`${failed} of ${Entries.length} entries failed`))
      }
    },
  }
}
