/**
 * CloudWatch metric names and dimensions as plain data: the code that emits them (EMF lines through Powertools
 * Metrics, from the Lambda handlers and the SMPP node) and the CDK alarms and dashboard that read them share
 * this one table, so an alarm cannot watch a name nobody emits.
 */
export const MetricNamespace = 'SmppPlatform'

export const MetricNames = {
  /** Records a Lambda handler reported as failed (batchItemFailures): system errors, retried by SQS. */
  RecordsFailed: 'RecordsFailed',
  /** Records a Lambda handler was given. */
  Records: 'Records',
  /** The node answered 0x0402 because no verdict arrived before VERDICT_DEADLINE_MS: the submit path is slow or down. */
  DeadlineMissed: 'VerdictDeadlineMissed',
  /** submit_sm answered with ESME_RTHROTTLED (0x58): an account over its speed. */
  Throttled: 'SubmitThrottled',
  /** submit_sm / data_sm answered with a non-zero command_status, dimension `Status` (the status name). */
  Refused: 'SubmitRefused',
  /** Parts accepted per account: the account id is a property of the EMF line, not a dimension (unbounded). */
  AccountSubmitted: 'AccountSubmitted',
  /** From submit_sm received to submit_sm_resp written, ms. */
  VerdictLatency: 'VerdictLatency',
  /** From the message's submission to its receipt being settled by the DLR function, ms. */
  ReceiptLatency: 'ReceiptLatency',
  /** deliver_sm (receipts, MO) the peer did not acknowledge with status 0. */
  DeliveriesFailed: 'DeliveriesFailed',
  /** Stored receipts and MO that reached the end of their validity undelivered (issue 13; lib/domain/pending-expiry.ts). */
  CallbacksExpired: 'CallbacksExpired',
  /** Bound sessions on one node at the flush. */
  Sessions: 'Sessions',
} as const

/** Dimension names. `Service` is Powertools' default dimension (serviceName); `Function` names the Lambda stage. */
export const MetricDimensions = { Service: 'service', Function: 'Function', Status: 'Status' } as const

/** serviceName of each emitter: the value of the `service` dimension. */
export const MetricServices = { node: 'smpp-node', functions: 'smpp-functions' } as const
