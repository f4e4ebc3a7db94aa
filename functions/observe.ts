import { Logger } from '@aws-lambda-powertools/logger'
import { maskingReplacer } from '../lib/observability/mask'
import { MetricDimensions, MetricNames, MetricServices } from '../lib/observability/names'
import type { Log } from '../lib/ports'
import { type MetricSink, noMetrics } from '../lib/ports/metrics'
import type { SqsBatchResponse, SqsEvent } from './types'

/**
 * The Lambdas' logger: Powertools Logger (JSON lines with the request id, cold start and function name once
 * `observed` has seen the invocation's context), with phone numbers masked and secrets dropped on the way out.
 * One per process, as Powertools recommends: created at cold start, outside the handler.
 */
export const logger = new Logger({ serviceName: MetricServices.functions, jsonReplacerFn: maskingReplacer })

/** The Log port over a Powertools Logger. */
export const powertoolsLog = (l: Logger = logger): Log => ({
  info: (msg, fields) => l.info(msg, { ...fields }),
  warn: (msg, fields) => l.warn(msg, { ...fields }),
  error: (msg, fields) => l.error(msg, { ...fields }),
})

/** What AWS passes as the second argument; only the fields Powertools reads for the log context. */
export interface LambdaContext {
  awsRequestId: string
  functionName: string
  functionVersion: string
  invokedFunctionArn: string
  memoryLimitInMB: string
  getRemainingTimeInMillis(): number
}

/**
 * Gives every line the handler logs during an invocation the invocation's context (function_request_id, cold
 * start, function name): what Powertools' injectLambdaContext does, for handlers that are plain functions. The
 * API Lambda (hono's handle) and the SQS handlers (`observed`) both go through it; a call without a context
 * (the local stack's hosts, tests) logs without one.
 */
export function withLogContext<E, R, C extends LambdaContext | undefined = LambdaContext | undefined>(
  handle: (event: E, context: C) => Promise<R>,
  l: Logger = logger,
): (event: E, context: C) => Promise<R> {
  return (event, context) => {
    if (context) l.addContext(context as never)
    return handle(event, context)
  }
}

/**
 * Wraps an SQS handler so every invocation writes one EMF line: records received and records failed, with the
 * dimension Function=<name>. A failed record is reported in batchItemFailures, so Lambda's own Errors metric
 * stays 0 during an outage of the stage (issue 15): RecordsFailed is what the system-error alarm watches.
 * An invocation that throws counts all its records as failed (SQS retries them all).
 */
export function observed(
  deps: { metrics?: MetricSink },
  name: string,
  handle: (event: SqsEvent) => Promise<SqsBatchResponse>,
): (event: SqsEvent, context?: LambdaContext) => Promise<SqsBatchResponse> {
  const metrics = deps.metrics ?? noMetrics
  return withLogContext(async (event: SqsEvent, _context?: LambdaContext) => {
    let failed = event.Records.length
    try {
      const result = await handle(event)
      failed = result.batchItemFailures.length
      return result
    } finally {
      metrics.count(MetricNames.Records, event.Records.length)
      metrics.count(MetricNames.RecordsFailed, failed)
      metrics.flush({ [MetricDimensions.Function]: name })
    }
  })
}
