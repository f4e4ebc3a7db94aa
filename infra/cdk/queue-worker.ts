import { Duration, type RemovalPolicy } from 'aws-cdk-lib'
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch'
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources'
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs'
import type { ITopic } from 'aws-cdk-lib/aws-sns'
import type { Queue } from 'aws-cdk-lib/aws-sqs'
import { Construct } from 'constructs'
import type { QueueDef } from '../../lib/resources'
import { functionAlarms } from './alarms'
import { PipelineQueue } from './pipeline-queue'
import { platformFunction } from './platform-function'

export interface QueueWorkerProps {
  prefix: string
  queue: QueueDef
  entry: 'submit' | 'dispatch' | 'dlr' | 'webhook'
  /** Pollers never run more than this many invocations: the cap that protects DynamoDB and the upstream. */
  maxConcurrency: number
  memoryMiB: number
  logRetentionDays: number
  removalPolicy: RemovalPolicy
  alarmTopic: ITopic
  secretsExtension?: boolean
}

/** One stage of the pipeline: its queue and DLQ with redrive, the function, the event source and the alarms. */
export class QueueWorker extends Construct {
  readonly queue: Queue
  readonly dlq: Queue
  readonly fn: NodejsFunction
  readonly alarms: Alarm[]

  constructor(scope: Construct, id: string, props: QueueWorkerProps) {
    super(scope, id)
    const def = props.queue
    const queues = new PipelineQueue(this, 'Queues', props)
    this.queue = queues.queue
    this.dlq = queues.dlq
    // SQS hides a received batch for the visibility timeout. A function still working when it ends would
    // see its batch handed to a second invocation, so the timeout must exceed the function's run time.
    // AWS asks for six times the function timeout (plus the batching window) to leave room for the
    // poller's retries when invocations are throttled; the function timeout follows from the queue's.
    const timeoutSec = Math.floor((def.visibilityTimeoutSec - def.batchWindowSec) / 6)
    this.fn = platformFunction(this, 'Function', {
      entry: props.entry,
      timeout: Duration.seconds(timeoutSec),
      memoryMiB: props.memoryMiB,
      logRetentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
      secretsExtension: props.secretsExtension,
    })
    // Partial batch responses: only the failed records return to the queue (and count towards the DLQ).
    this.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: def.batchSize,
        maxBatchingWindow: def.batchWindowSec > 0 ? Duration.seconds(def.batchWindowSec) : undefined,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency,
      }),
    )
    this.alarms = [queues.alarm, ...functionAlarms(this, this.fn, props.alarmTopic)]
  }
}
