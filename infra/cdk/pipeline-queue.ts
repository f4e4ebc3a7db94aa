import { Duration, type RemovalPolicy } from 'aws-cdk-lib'
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch'
import type { ITopic } from 'aws-cdk-lib/aws-sns'
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs'
import { Construct } from 'constructs'
import { dlqName, physicalName, type QueueDef } from '../../lib/resources'
import { dlqAlarm } from './alarms'

export interface PipelineQueueProps {
  prefix: string
  queue: QueueDef
  removalPolicy: RemovalPolicy
  alarmTopic: ITopic
}

// A DLQ keeps what the pipeline gave up on for as long as SQS allows, for an operator to inspect and redrive.
const DlqRetention = Duration.days(14)

/** A queue of lib/resources.ts `Queues` with its DLQ, the redrive policy and the DLQ depth alarm. */
export class PipelineQueue extends Construct {
  readonly queue: Queue
  readonly dlq: Queue
  readonly alarm: Alarm

  constructor(scope: Construct, id: string, props: PipelineQueueProps) {
    super(scope, id)
    const def = props.queue
    this.dlq = new Queue(this, 'Dlq', {
      queueName: physicalName(props.prefix, dlqName(def.name)),
      retentionPeriod: DlqRetention,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true, // a queue policy denies any request not over TLS
      removalPolicy: props.removalPolicy,
    })
    this.queue = new Queue(this, 'Queue', {
      queueName: physicalName(props.prefix, def.name),
      visibilityTimeout: Duration.seconds(def.visibilityTimeoutSec),
      retentionPeriod: Duration.seconds(def.retentionSec),
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: def.maxReceiveCount },
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
    })
    this.alarm = dlqAlarm(this, this.dlq, props.alarmTopic)
  }
}
