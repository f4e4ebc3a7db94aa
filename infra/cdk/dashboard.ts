import { Duration } from 'aws-cdk-lib'
import { type Alarm, AlarmStatusWidget, Dashboard, GraphWidget, type IMetric, MathExpression } from 'aws-cdk-lib/aws-cloudwatch'
import type { Table } from 'aws-cdk-lib/aws-dynamodb'
import type { Queue } from 'aws-cdk-lib/aws-sqs'
import type { Construct } from 'constructs'
import { MetricDimensions, MetricNames, MetricNamespace, MetricServices } from '../../lib/observability/names'
import type { PlatformApi } from './http-api'
import { platformMetric } from './platform-alarms'
import type { QueueWorker } from './queue-worker'
import type { SmppService } from './smpp-service'

const period = Duration.minutes(1)
const graph = (title: string, left: IMetric[], right: IMetric[] = []) => new GraphWidget({ title, left, right, width: 8, height: 6 })

export interface DashboardParts {
  name: string
  workers: QueueWorker[]
  /** Every pipeline queue and DLQ, the workers' included. */
  queues: { queue: Queue; dlq: Queue }[]
  api: PlatformApi
  smpp: SmppService
  tables: Table[]
  alarms: Alarm[]
  callbackDlq: Queue
}

/** One page for the on-call: alarms first, then the node, the pipeline stages, the API and DynamoDB. */
export function platformDashboard(scope: Construct, parts: DashboardParts): Dashboard {
  const { smpp, workers, api } = parts
  const fns = [...workers.map((w) => w.fn), api.fn]
  const dashboard = new Dashboard(scope, 'Dashboard', { dashboardName: parts.name })
  dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: parts.alarms, width: 24, height: 4 }))
  dashboard.addWidgets(
    graph(
      'SMPP connections (NLB active flows)',
      [smpp.nlb.metrics.activeFlowCount({ period, statistic: 'Maximum' })],
      [smpp.nlb.metrics.newFlowCount({ period })],
    ),
    graph(
      'Healthy SMPP nodes',
      smpp.targetGroups.map((tg) => tg.metrics.healthyHostCount({ period, statistic: 'Minimum' })),
    ),
    graph('Node CPU and memory %', [smpp.service.metricCpuUtilization({ period }), smpp.service.metricMemoryUtilization({ period })]),
  )
  dashboard.addWidgets(
    graph(
      'Queue depth (right: DLQs)',
      parts.queues.map((q) => q.queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' })),
      parts.queues.map((q) => q.dlq.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' })),
    ),
    graph(
      'Oldest message age (s)',
      parts.queues.map((q) => q.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' })),
    ),
    graph(
      'Invocations and errors',
      fns.map((f) => f.metricInvocations({ period })),
      fns.map((f) => f.metricErrors({ period })),
    ),
  )
  dashboard.addWidgets(
    graph(
      'Duration p99 (ms)',
      fns.map((f) => f.metricDuration({ period, statistic: 'p99' })),
    ),
    graph(
      'API requests and 5xx',
      [api.stage.metricCount({ period })],
      [api.stage.metricServerError({ period }), api.stage.metricClientError({ period })],
    ),
    graph(
      'DynamoDB consumed capacity and throttles',
      parts.tables.map((t) => t.metricConsumedWriteCapacityUnits({ period })),
      [new MathExpression({ expression: 'SUM(METRICS())', label: 'throttled requests', period, usingMetrics: throttles(parts.tables) })],
    ),
  )
  dashboard.addWidgets(...platformWidgets(parts))
  return dashboard
}

const node = { [MetricDimensions.Service]: MetricServices.node }
const em = (name: string, dims: Record<string, string>, statistic = 'Sum') => platformMetric(name, dims, statistic, period)

/** What the node and the handlers write as EMF (smpp-node/emf.ts, functions/observe.ts, lib/domain/dlr.ts). */
function platformWidgets(parts: DashboardParts) {
  const fnDims = (fn: string) => ({ [MetricDimensions.Service]: MetricServices.functions, [MetricDimensions.Function]: fn })
  const search = (expression: string, label: string) => new MathExpression({ expression, label, period })
  return [
    graph('Verdict deadline misses and throttles (node)', [em(MetricNames.DeadlineMissed, node)], [em(MetricNames.Throttled, node)]),
    graph('Refusals by command_status', [
      search(
        `SEARCH('{${MetricNamespace},${MetricDimensions.Service},${MetricDimensions.Status}} MetricName="${MetricNames.Refused}"', 'Sum', 60)`,
        'refused',
      ),
    ]),
    graph(
      'Verdict latency p50 / p99 (ms)',
      [em(MetricNames.VerdictLatency, node, 'p50'), em(MetricNames.VerdictLatency, node, 'p99')],
      [em(MetricNames.ReceiptLatency, fnDims('dlr'), 'p99')],
    ),
    graph(
      'Records failed per function (right: records)',
      ['submit', 'dispatch', 'dlr'].map((fn) => em(MetricNames.RecordsFailed, fnDims(fn))),
      ['submit', 'dispatch', 'dlr'].map((fn) => em(MetricNames.Records, fnDims(fn))),
    ),
    graph(
      'Sessions per node (avg) and callback DLQ',
      [em(MetricNames.Sessions, node, 'Average')],
      [parts.callbackDlq.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' })],
    ),
    graph('Accepted parts (per account: Logs Insights on the accountId property)', [em(MetricNames.AccountSubmitted, node)]),
  ]
}

// Per-table throttle events (TableName is their only dimension), summed into one line.
const throttles = (tables: Table[]) =>
  Object.fromEntries(
    tables.flatMap((t, i) => [
      [`r${i}`, t.metric('ReadThrottleEvents', { period, statistic: 'Sum' })],
      [`w${i}`, t.metric('WriteThrottleEvents', { period, statistic: 'Sum' })],
    ]),
  )
