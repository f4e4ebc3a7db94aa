import type { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics'
import { MetricUnit } from '@aws-lambda-powertools/metrics'
import { MetricDimensions, MetricNames } from '../../lib/observability/names'
import type { Metrics } from './metrics'

export interface EmfSource {
  metrics: Metrics
  sessionCounts(): Record<string, number>
}

// The answers that are refusals of a submit: their command_status is the dimension `Status` (a bounded set).
const SubmitResps = ['submit_sm_resp', 'submit_multi_resp', 'data_sm_resp']
const Ok = 'ESME_ROK'
const Throttled = 'ESME_RTHROTTLED'

/**
 * Every `intervalMs`, what the node counted since the last flush as CloudWatch EMF lines (Powertools Metrics):
 * one line with deadline misses, throttles, failed deliveries, sessions and sampled verdict latencies; one per
 * refusal status; one per account with its accepted parts, the account id a property (not a dimension: an
 * unbounded dimension is a metric per account and a bill to match). The node's counters stay in memory for
 * /health; this only reads their deltas.
 */
export function startEmf(source: EmfSource, metrics: PowertoolsMetrics, intervalMs: number): { flush(): void; stop(): void } {
  let last = { counters: {} as Record<string, number>, refusals: {} as Record<string, number> }
  const flush = () => {
    const m = source.metrics
    const counters = { ...m.counters }
    const delta = (k: string) => (counters[k] ?? 0) - (last.counters[k] ?? 0)
    const refusals: Record<string, number> = {}
    const out = m.pduCounts().out
    for (const resp of SubmitResps) {
      for (const [status, n] of Object.entries(out[resp] ?? {})) if (status !== Ok) refusals[status] = (refusals[status] ?? 0) + n
    }
    metrics.addMetric(MetricNames.DeadlineMissed, MetricUnit.Count, delta('verdictsExpired'))
    metrics.addMetric(MetricNames.Throttled, MetricUnit.Count, (refusals[Throttled] ?? 0) - (last.refusals[Throttled] ?? 0))
    metrics.addMetric(MetricNames.DeliveriesFailed, MetricUnit.Count, delta('deliveriesFailed'))
    const sessions = source.sessionCounts()
    metrics.addMetric(MetricNames.Sessions, MetricUnit.Count, Object.values(sessions).reduce((a, b) => a + b, 0) - (sessions.unbound ?? 0))
    for (const v of m.verdictLatency.drainSample()) metrics.addMetric(MetricNames.VerdictLatency, MetricUnit.Milliseconds, v)
    metrics.publishStoredMetrics()
    for (const [status, n] of Object.entries(refusals)) {
      const d = n - (last.refusals[status] ?? 0)
      if (d <= 0) continue
      const one = metrics.singleMetric()
      one.addDimension(MetricDimensions.Status, status)
      one.addMetric(MetricNames.Refused, MetricUnit.Count, d)
    }
    for (const [accountId, parts] of m.drainAccounts()) {
      const one = metrics.singleMetric()
      one.addMetadata('accountId', accountId)
      one.addMetric(MetricNames.AccountSubmitted, MetricUnit.Count, parts)
    }
    last = { counters, refusals }
  }
  const timer = setInterval(flush, intervalMs)
  timer.unref()
  return { flush, stop: () => clearInterval(timer) }
}
