import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch'
import type { Log } from '../lib/ports'
import type { SqsBatchResponse, SqsEvent, SqsRecord } from './types'

const logFailure = (log: Log, what: string, record: SqsRecord, err: unknown) =>
  log.error(`${what} failed`, { messageId: record.messageId, receiveCount: record.attributes?.ApproximateReceiveCount, err })

/**
 * One domain call per record through Powertools' BatchProcessor (EventType.SQS), every record of the batch at
 * once (its default, processInParallel): records of a standard queue are independent and unordered, and every
 * effect is guarded by a conditional write, so a batch takes as long as its slowest record instead of the sum.
 * A record whose call throws is reported alone in batchItemFailures (ReportBatchItemFailures): SQS retries
 * it, and redrive ends a poison record in the DLQ.
 *
 * - A processor per invocation, not one per module as Powertools' examples have it: it keeps the batch's
 *   records and outcomes in its own fields, and the local Lambda host (infra/local/event-source.ts) runs
 *   several batches of one queue at once in one process, where a shared one would mix them up.
 * - throwOnFullBatchFailure: false: a batch whose every record failed is answered with every record listed,
 *   as a partial one is, rather than by throwing FullBatchFailureError. SQS retries the same records either
 *   way; `observed` (./observe.ts) counts them in RecordsFailed, which the system-error alarm watches.
 */
export async function perRecord(
  event: SqsEvent,
  log: Log,
  what: string,
  handle: (body: string) => Promise<unknown>,
): Promise<SqsBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS)
  const record = async (r: SqsRecord) => {
    try {
      return await handle(r.body)
    } catch (err) {
      logFailure(log, what, r, err) // Powertools keeps the error but does not log it
      throw err
    }
  }
  return processPartialResponse(event, record, processor, { throwOnFullBatchFailure: false })
}

/**
 * The whole batch to one domain call that decides all its records together: the submit path charges a batch
 * per account in one transaction (lib/domain/submit.ts), not a message at a time. BatchProcessor's model is a
 * handler per record, whose outcome is known when that record's call returns, so it cannot express one call
 * whose single result settles many records; this keeps Powertools' response shape (batchItemFailures with the
 * SQS messageId) so the event source and `observed` read both kinds of handler alike. A record that does not
 * parse fails alone, and so does each record the domain answers with an error; the others are done.
 */
export async function wholeBatch<T>(
  event: SqsEvent,
  log: Log,
  what: string,
  parse: (body: string) => T,
  handle: (items: T[]) => Promise<({ error: unknown } | object)[]>,
): Promise<SqsBatchResponse> {
  const failures: SqsBatchResponse['batchItemFailures'] = []
  const fail = (record: SqsRecord, err: unknown) => {
    logFailure(log, what, record, err)
    failures.push({ itemIdentifier: record.messageId })
  }
  const parsed: { record: SqsRecord; item: T }[] = []
  for (const record of event.Records) {
    try {
      parsed.push({ record, item: parse(record.body) })
    } catch (err) {
      fail(record, err)
    }
  }
  const outcomes = await handle(parsed.map((p) => p.item))
  outcomes.forEach((o, k) => {
    if ('error' in o) fail(parsed[k].record, o.error)
  })
  return { batchItemFailures: failures }
}
