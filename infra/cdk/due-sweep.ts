import { Duration, type RemovalPolicy } from 'aws-cdk-lib'
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch'
import { Rule, Schedule } from 'aws-cdk-lib/aws-events'
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets'
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda'
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs'
import type { ITopic } from 'aws-cdk-lib/aws-sns'
import { Construct } from 'constructs'
import { functionAlarms } from './alarms'
import { platformFunction } from './platform-function'

export interface DueSweepProps {
  memoryMiB: number
  logRetentionDays: number
  removalPolicy: RemovalPolicy
  alarmTopic: ITopic
}

/** EventBridge's finest rate: a scheduled message leaves at most this long after its time, never before. */
export const DueSweepRate = Duration.minutes(1)

/**
 * The due-time sweep on AWS (docs/PIPELINE.md "Scheduled and expiring messages"): an EventBridge rule invokes the
 * due function every minute, which drains the messages table's byDue index (lib/domain/due.ts). One run at a time
 * (reserved concurrency 1): two would be safe, every step being a conditional write, but would only cost twice.
 * The timeout stays under the rate, so a run ends before the next one is due.
 */
export class DueSweep extends Construct {
  readonly fn: NodejsFunction
  readonly rule: Rule
  readonly alarms: Alarm[]

  constructor(scope: Construct, id: string, props: DueSweepProps) {
    super(scope, id)
    this.fn = platformFunction(this, 'Function', {
      entry: 'due',
      timeout: Duration.seconds(50),
      memoryMiB: props.memoryMiB,
      logRetentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
    })
    this.fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) }) // the next minute's run is the retry
    ;(this.fn.node.defaultChild as CfnFunction).reservedConcurrentExecutions = 1
    this.rule = new Rule(this, 'Every', {
      schedule: Schedule.rate(DueSweepRate),
      targets: [new LambdaFunction(this.fn, { retryAttempts: 0 })],
    })
    this.alarms = functionAlarms(this, this.fn, props.alarmTopic)
  }
}
