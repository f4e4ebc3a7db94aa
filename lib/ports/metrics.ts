/**
 * Operational metrics (docs/DESIGN.md rule 8): counts and latencies, written as CloudWatch EMF by the adapter
 * (lib/observability/powertools.ts). Names come from lib/observability/names.ts, where the alarms read them.
 */
export interface MetricSink {
  /** Adds to a count in the current line; with `dimensions`, in a line of its own (written at once). */
  count(name: string, value: number, dimensions?: Record<string, string>): void
  /** One latency sample in ms. */
  millis(name: string, value: number): void
  /** Writes what was added since the last flush as one EMF line, with these dimensions, and starts over. */
  flush(dimensions?: Record<string, string>): void
}

/** Counts nothing: tests and benches that assert on effects instead. */
export const noMetrics: MetricSink = { count: () => {}, millis: () => {}, flush: () => {} }
