import { Duration } from 'aws-cdk-lib'
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch'
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions'
import type { IFunction } from 'aws-cdk-lib/aws-lambda'
import type { ITopic } from 'aws-cdk-lib/aws-sns'
import type { IQueue } from 'aws-cdk-lib/aws-sqs'
import type { Construct } from 'constructs'

const minute = Duration.minutes(1)

/** An alarm that fires when `metric` goes above `threshold` in one period, and notifies `topic`. */
export function alarmAbove(scope: Construct, id: string, metric: IMetric, threshold: number, topic: ITopic, description: string): Alarm {
  const alarm = new Alarm(scope, id, {
    metric,
    threshold,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    // No data means no messages or no invocations: nothing is wrong.
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription: description,
  })
  alarm.addAlarmAction(new SnsAction(topic))
  alarm.addOkAction(new SnsAction(topic))
  return alarm
}

/** Fires when `metric` is below `threshold`; no data counts as below (a silent load balancer is not a healthy one). */
export function alarmBelow(scope: Construct, id: string, metric: IMetric, threshold: number, topic: ITopic, description: string): Alarm {
  const alarm = new Alarm(scope, id, {
    metric,
    threshold,
    evaluationPeriods: 2,
    comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
    treatMissingData: TreatMissingData.BREACHING,
    alarmDescription: description,
  })
  alarm.addAlarmAction(new SnsAction(topic))
  alarm.addOkAction(new SnsAction(topic))
  return alarm
}

/** A message in a DLQ is one the pipeline gave up on (docs/DESIGN.md rule 3): one is enough to wake someone. */
export const dlqAlarm = (scope: Construct, dlq: IQueue, topic: ITopic) =>
  alarmAbove(
    scope,
    'DlqDepth',
    dlq.metricApproximateNumberOfMessagesVisible({ period: minute, statistic: 'Maximum' }),
    0,
    topic,
    'Messages in the DLQ: inspect them, fix the cause, then redrive (docs/DEPLOY.md)',
  )

/** Errors: an invocation failed as a whole (a bad deploy, a missing permission). Throttles: concurrency is exhausted. */
export function functionAlarms(scope: Construct, fn: IFunction, topic: ITopic): Alarm[] {
  return [
    alarmAbove(scope, 'Errors', fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), 0, topic, 'Lambda errors'),
    alarmAbove(scope, 'Throttles', fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }), 0, topic, 'Lambda throttles'),
  ]
}
