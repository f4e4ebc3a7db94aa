import { Duration } from 'aws-cdk-lib'
import { type Alarm, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch'
import type { Table } from 'aws-cdk-lib/aws-dynamodb'
import type { ITopic } from 'aws-cdk-lib/aws-sns'
import type { Queue } from 'aws-cdk-lib/aws-sqs'
import { Construct } from 'constructs'
import { MetricDimensions, MetricNames, MetricNamespace, MetricServices } from '../../lib/observability/names'
import type { QueueName } from '../../lib/resources'
import { alarmAbove, alarmBelow, dlqAlarm } from './alarms'
import type { SmppService } from './smpp-service'

const minute = Duration.minutes(1)
const fiveMinutes = Duration.minutes(5)

/**
 * Seconds the oldest message of a queue may wait before someone is woken: a stage that stopped consuming shows
 * here first. The submit queue's bound is tight because the node answers 0x0402 after VERDICT_DEADLINE_MS (5 s).
 */
// The webhook queue holds an account's events while its receiver is down, which is the account's outage, not the
// platform's: its bound is past the first hours of backoff (1 h between attempts from the 12th).
export const OldestMessageAlarmSec: Record<QueueName, number> = { submit: 60, dispatch: 300, receipts: 300, upstream: 300, webhook: 21_600 }

/** A metric the platform writes itself as EMF (lib/observability/names.ts). */
export const platformMetric = (name: string, dimensions: Record<string, string>, statistic = 'Sum', period = fiveMinutes) =>
  new Metric({ namespace: MetricNamespace, metricName: name, dimensionsMap: dimensions, statistic, period })

export interface PlatformAlarmsProps {
  topic: ITopic
  queues: Record<QueueName, Queue>
  /** The stack's callback DLQ, shared by every node's callback queue. */
  callbackDlq: Queue
  tables: Table[]
  smpp: SmppService
  minTasks: number
  /** Lambda stages, by the Function dimension their RecordsFailed carries (functions/observe.ts). */
  functions: string[]
}

/**
 * The alarms an outage of any stage fires (docs/DESIGN.md rule 8, issue 15), beside the per-queue DLQ and per-function
 * alarms of QueueWorker / PipelineQueue: queue age, verdict deadline misses, failed records (the Lambdas report
 * failures per record, so Lambda Errors stays 0), DynamoDB throttles, the callback DLQ, unhealthy targets.
 */
export class PlatformAlarms extends Construct {
  readonly alarms: Alarm[] = []

  constructor(scope: Construct, id: string, p: PlatformAlarmsProps) {
    super(scope, id)
    const add = (a: Alarm) => this.alarms.push(a)
    for (const [q, queue] of Object.entries(p.queues) as [QueueName, Queue][]) {
      add(
        alarmAbove(
          this,
          `OldestMessage-${q}`,
          queue.metricApproximateAgeOfOldestMessage({ period: minute, statistic: 'Maximum' }),
          OldestMessageAlarmSec[q],
          p.topic,
          `The ${q} queue's oldest message is older than ${OldestMessageAlarmSec[q]} s: its consumer is down, throttled or failing`,
        ),
      )
    }
    const callbackDlq = new Construct(this, 'CallbackDlq')
    add(dlqAlarm(callbackDlq, p.callbackDlq, p.topic))
    add(
      alarmAbove(
        this,
        'DeadlineMisses',
        platformMetric(MetricNames.DeadlineMissed, { [MetricDimensions.Service]: MetricServices.node }),
        0,
        p.topic,
        'The node answered 0x0402: no verdict came before the deadline (submit function failing, throttled or backed up)',
      ),
    )
    // Issue 13: a stored receipt or MO that reached the end of its validity undelivered is one the ESME never gets.
    add(
      alarmAbove(
        this,
        'CallbacksExpired',
        platformMetric(MetricNames.CallbacksExpired, {
          [MetricDimensions.Service]: MetricServices.functions,
          [MetricDimensions.Function]: 'due',
        }),
        0,
        p.topic,
        'Stored receipts or MO reached the end of their validity undelivered (no receiver bound, or every delivery failed): the due sweep logs the accounts',
      ),
    )
    for (const fn of p.functions) {
      add(
        alarmAbove(
          this,
          `RecordsFailed-${fn}`,
          platformMetric(MetricNames.RecordsFailed, {
            [MetricDimensions.Service]: MetricServices.functions,
            [MetricDimensions.Function]: fn,
          }),
          0,
          p.topic,
          `The ${fn} function failed records (system errors; SQS retries them, redrive ends them in the DLQ)`,
        ),
      )
    }
    // One alarm per table: an alarm's math may use at most 10 metrics, and the tables have 2 each.
    for (const table of p.tables) {
      const throttled = new MathExpression({
        expression: 'r + w',
        label: 'throttled requests',
        period: fiveMinutes,
        usingMetrics: {
          r: table.metric('ReadThrottleEvents', { period: fiveMinutes, statistic: 'Sum' }),
          w: table.metric('WriteThrottleEvents', { period: fiveMinutes, statistic: 'Sum' }),
        },
      })
      add(alarmAbove(this, `Throttles-${table.node.id}`, throttled, 0, p.topic, `DynamoDB throttled requests on ${table.node.id}`))
    }
    p.smpp.targetGroups.forEach((tg, i) => {
      const name = i === 0 ? 'Tcp' : 'Tls'
      add(
        alarmAbove(
          this,
          `UnhealthyNodes-${name}`,
          tg.metrics.unHealthyHostCount({ period: minute, statistic: 'Maximum' }),
          0,
          p.topic,
          `An SMPP node behind the ${name} listener fails its health check`,
        ),
      )
      add(
        alarmBelow(
          this,
          `HealthyNodes-${name}`,
          tg.metrics.healthyHostCount({ period: minute, statistic: 'Minimum' }),
          p.minTasks,
          p.topic,
          `Fewer healthy SMPP nodes behind the ${name} listener than the service minimum`,
        ),
      )
    })
  }
}
