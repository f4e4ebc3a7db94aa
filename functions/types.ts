/** The parts of AWS Lambda's SQS event the handlers read (aws-lambda's SQSEvent, trimmed). */
export interface SqsRecord {
  messageId: string
  body: string
  attributes?: { ApproximateReceiveCount?: string }
}

export interface SqsEvent {
  Records: SqsRecord[]
}

/** Partial batch response (ReportBatchItemFailures): only the listed records are retried. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[]
}
