import type { Config } from '../config'
import type { Connector, Log, QueueSender, Stores } from '../ports'
import type { MetricSink } from '../ports/metrics'
import type { Upstream } from './model'

/**
 * What the pipeline's domain functions get: ports only. Built once per runtime by
 * `functions/wiring.ts` (DynamoDB, SQS, HTTP) or by a test (memory stores, an in-memory queue).
 */
export interface Deps {
  stores: Stores
  queues: QueueSender
  /** The connector for an upstream's kind ('http' now, 'smpp' with issue 9); throws for a kind with none. */
  connectorFor(upstream: Upstream): Connector
  now(): Date
  /** Waits between dispatch attempts (setTimeout in the runtimes; tests pass one that records and returns). */
  sleep(ms: number): Promise<void>
  log: Log
  /** Operational metrics (EMF on AWS and locally); optional so tests of effects need not pass one. */
  metrics?: MetricSink
  /** The pipeline functions' config: shared code sees the tables all four have, and checks for a queue (queueUrl). */
  cfg: Config<'submit' | 'dispatch' | 'dlr' | 'api'>
}
