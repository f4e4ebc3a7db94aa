import type { PartialItemFailureResponse } from '@aws-lambda-powertools/batch/types'

/** The parts of AWS Lambda's SQS event the handlers read (aws-lambda's SQSEvent, trimmed). */
export interface SqsRecord {
  messageId: string
  body: string
  /** Read by the webhook function, which sets a failed record's visibility to its backoff. */
  receiptHandle?: string
  attributes?: { ApproximateReceiveCount?: string }
}

export interface SqsEvent {
  Records: SqsRecord[]
}

/**
 * Partial batch response (ReportBatchItemFailures): only the listed records are retried. Powertools' own type,
 * so the per-record handlers (BatchProcessor) and the submit handler's whole-batch one answer alike.
 */
export type SqsBatchResponse = PartialItemFailureResponse
