import type { Log } from '../lib/ports'
import type { SqsBatchResponse, SqsEvent } from './types'

/**
 * One domain call per record, every record of the batch at once: records of a standard queue are
 * independent and unordered, and every effect is guarded by a conditional write, so a batch takes as
 * long as its slowest record instead of the sum (the local stack's throughput and the Lambda's billed
 * duration both follow). A failure is reported for its record alone (ReportBatchItemFailures): SQS
 * retries it, and redrive ends a poison record in the DLQ.
 */
export async function eachRecord(
  event: SqsEvent,
  log: Log,
  what: string,
  handle: (body: string) => Promise<unknown>,
): Promise<SqsBatchResponse> {
  const failed = await Promise.all(
    event.Records.map(async (record) => {
      try {
        await handle(record.body)
        return undefined
      } catch (err) {
        log.error(`${what} failed`, { messageId: record.messageId, receiveCount: record.attributes?.ApproximateReceiveCount, err })
        return { itemIdentifier: record.messageId }
      }
    }),
  )
  return { batchItemFailures: failed.filter((f) => f !== undefined) }
}
