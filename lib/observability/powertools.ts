import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics'
import type { MetricSink } from '../ports/metrics'
import { MetricNamespace } from './names'

/**
 * A Powertools Metrics instance: each `publishStoredMetrics()` writes one CloudWatch EMF JSON line to stdout,
 * which CloudWatch Logs turns into metrics on AWS (Lambda log groups and the node's awslogs driver alike) and
 * which `npm start` prints as they are locally. No PutMetricData call, no SDK client, no latency on the hot path.
 */
export const emfMetrics = (serviceName: string, defaultDimensions: Record<string, string> = {}) =>
  new Metrics({ namespace: MetricNamespace, serviceName, defaultDimensions })

/** The MetricSink port over Powertools Metrics. */
export function emfSink(metrics: Metrics): MetricSink {
  return {
    count(name, value, dimensions) {
      if (!dimensions) return void metrics.addMetric(name, MetricUnit.Count, value)
      // A dimension set of its own needs a line of its own: singleMetric() writes at addMetric.
      const one = metrics.singleMetric()
      for (const [k, v] of Object.entries(dimensions)) one.addDimension(k, v)
      one.addMetric(name, MetricUnit.Count, value)
    },
    millis(name, value) {
      metrics.addMetric(name, MetricUnit.Milliseconds, value)
    },
    flush(dimensions = {}) {
      if (!metrics.hasStoredMetrics()) return // Powertools warns on an empty flush; nothing happened, nothing to say
      for (const [k, v] of Object.entries(dimensions)) metrics.addDimension(k, v)
      metrics.publishStoredMetrics()
    },
  }
}
