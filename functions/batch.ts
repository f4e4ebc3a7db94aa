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

/**
 * The whole batch to one domain call that decides all its records together (the submit path
 * charges a batch, not a message). A record that does not parse fails alone, and so does each
 * record the domain answers with an error; the others are done.
 */
export async function wholeBatch<T>(
  event: SqsEvent,
  log: Log,
  what: string,
  parse: (body: string) => T,
  handle: (items: T[]) => Promise<({ error: unknown } | object)[]>,
): Promise<SqsBatchResponse> {
  const failures: { itemIdentifier: string }[] = []
  const fail = (record: SqsEvent['Records'][number], err: unknown) => {
    log.error(`${what} failed`, { messageId: record.messageId, receiveCount: record.attributes?.ApproximateReceiveCount, err })
    failures.push({ itemIdentifier: record.messageId })
  }
  const parsed: { record: SqsEvent['Records'][number]; item: T }[] = []
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
