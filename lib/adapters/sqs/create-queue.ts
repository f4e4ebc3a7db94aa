import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs'
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

/** A node's callback queue (`${prefix}callback-<nodeId>`), created at start-up when it was not given one. */
export async function ensureCallbackQueue(sqs: SQSClient, name: string): Promise<string> {
  const { url } = await ensureQueueWithDlq(sqs, { name, ...CallbackQueue })
  return url
}
