import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, QueueDoesNotExist, type SQSClient } from '@aws-sdk/client-sqs'
import { CallbackQueue, dlqName } from '../../resources'

export interface QueueSpec {
  name: string // physical
  visibilityTimeoutSec: number
  maxReceiveCount: number
  retentionSec: number
}

export interface CreatedQueue {
  url: string
  dlqUrl: string
}

// The longest retention SQS allows: a DLQ keeps what the pipeline gave up on for an operator to look at.
const DlqRetentionSec = 14 * 86_400

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const res = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))
  const arn = res.Attributes?.QueueArn
  if (!arn) throw new Error(`queue ${url} has no QueueArn`)
  return arn
}

/**
 * Creates (or finds: CreateQueue with the same attributes is idempotent) a queue and its `-dlq`, with a
 * RedrivePolicy that moves a message to the DLQ after maxReceiveCount receives.
 */
export async function ensureQueueWithDlq(sqs: SQSClient, spec: QueueSpec): Promise<CreatedQueue> {
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: dlqName(spec.name), Attributes: { MessageRetentionPeriod: String(DlqRetentionSec) } }),
  )
  const dlqUrl = dlq.QueueUrl ?? ''
  const redrive = { deadLetterTargetArn: await queueArn(sqs, dlqUrl), maxReceiveCount: spec.maxReceiveCount }
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: spec.name,
      Attributes: {
        VisibilityTimeout: String(spec.visibilityTimeoutSec),
        MessageRetentionPeriod: String(spec.retentionSec),
        RedrivePolicy: JSON.stringify(redrive),
      },
    }),
  )
  return { url: main.QueueUrl ?? '', dlqUrl }
}

/**
 * A node's callback queue (`${prefix}callback-<nodeId>`), created at start-up when it was not given one. On AWS
 * `sharedDlqArn` names the stack's one callback DLQ (CDK creates it and its alarm, and nodes cannot delete it);
 * without it (the local stack) the queue gets a `-dlq` of its own.
 */
export async function ensureCallbackQueue(sqs: SQSClient, name: string): Promise<string> {
  return (await ensureNodeCallbackQueue(sqs, name)).url
}

/** As ensureCallbackQueue, with both URLs (for deleteCallbackQueue) and the shared DLQ on AWS. */
export async function ensureNodeCallbackQueue(sqs: SQSClient, name: string, sharedDlqArn?: string): Promise<CreatedQueue> {
  if (!sharedDlqArn) return ensureQueueWithDlq(sqs, { name, ...CallbackQueue })
  const created = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(CallbackQueue.visibilityTimeoutSec),
        MessageRetentionPeriod: String(CallbackQueue.retentionSec),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: sharedDlqArn, maxReceiveCount: CallbackQueue.maxReceiveCount }),
      },
    }),
  )
  return { url: created.QueueUrl ?? '', dlqUrl: '' }
}

/**
 * Deletes a drained node's callback queue (and its own DLQ, locally), so stopped tasks leave no queue behind.
 * What it still holds is safe to drop: verdicts for sessions that are gone, and deliveries that wait as
 * pending items for the next bind (lib/resources.ts CallbackQueue). A queue already gone is not an error.
 */
export async function deleteCallbackQueue(sqs: SQSClient, queue: CreatedQueue): Promise<void> {
  for (const url of [queue.url, queue.dlqUrl].filter(Boolean)) {
    try {
      await sqs.send(new DeleteQueueCommand({ QueueUrl: url }))
    } catch (err) {
      if (!(err instanceof QueueDoesNotExist)) throw err
    }
  }
}
