import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import type { Log } from '../../lib/ports/log'
import { LocalRegion } from './clients'

/** The SQS event AWS Lambda hands a function (the fields AWS sets; handlers declare the subset they read). */
export interface SqsRecord {
  messageId: string
  receiptHandle: string
  body: string
  attributes: Record<string, string> // ApproximateReceiveCount, SentTimestamp, ApproximateFirstReceiveTimestamp, SenderId
  messageAttributes: Record<string, unknown>
  md5OfBody: string
  eventSource: 'aws:sqs'
  eventSourceARN: string
  awsRegion: string
}
export interface SqsEvent {
  Records: SqsRecord[]
}
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[]
}
/** Whatever the function returns; like Lambda, the runner reads `batchItemFailures` from it (none: all succeeded). */
export type SqsHandler = (event: SqsEvent) => Promise<unknown>

export interface EventSourceOptions {
  sqs: SQSClient
  queueUrl: string
  handler: SqsHandler
  /** Records per invocation (Lambda's BatchSize). */
  batchSize: number
  /** Lambda's MaximumBatchingWindowInSeconds, in ms: how long to gather records before invoking with fewer. */
  batchWindowMs?: number
  /** Pollers, each invoking the handler with its own batch (Lambda's maximum concurrency). */
  concurrency?: number
  /** Pause between receives on an empty queue. */
  idleMs?: number
  log?: Log
}

export interface EventSourceRunner {
  /** Stops polling; resolves once every in-flight batch has finished and been acknowledged. */
  stop(): Promise<void>
}

const MaxReceive = 10

/**
 * A local stand-in for Lambda's SQS event source mapping, with reportBatchItemFailures on: records the handler
 * reports as failed, and every record of a batch whose invocation throws, are left in the queue and come back
 * after the visibility timeout; the rest are deleted. The SQS server applies the queue's RedrivePolicy itself
 * (a message still in flight when its visibility ends with ApproximateReceiveCount >= maxReceiveCount moves to the DLQ).
 */
export async function startEventSource(opts: EventSourceOptions): Promise<EventSourceRunner> {
  const { sqs, queueUrl, handler, batchSize } = opts
  const log = opts.log ?? consoleLog(queueUrl)
  const idleMs = opts.idleMs ?? 50
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
  const eventSourceARN = attrs.Attributes?.QueueArn ?? ''
  let stopping = false
  const wake = new AbortController()
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (wake.signal.aborted) return resolve()
      const t = setTimeout(done, ms)
      function done() {
        clearTimeout(t)
        wake.signal.removeEventListener('abort', done)
        resolve()
      }
      wake.signal.addEventListener('abort', done)
    })

  const receive = async (max: number): Promise<Message[]> => {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(max, MaxReceive),
        WaitTimeSeconds: 0,
        AttributeNames: ['All'],
      }),
    )
    return res.Messages ?? []
  }

  /** One batch: the first records, then more until the batch is full or its window is over. */
  const collect = async (): Promise<Message[]> => {
    const byId = new Map<string, Message>()
    let windowEnds = Number.POSITIVE_INFINITY
    while (!stopping && byId.size < batchSize) {
      const got = await receive(batchSize - byId.size)
      // The last receive of a message wins: only its newest receipt handle deletes it.
      for (const m of got) byId.set(m.MessageId ?? '', m)
      if (byId.size > 0 && windowEnds === Number.POSITIVE_INFINITY) windowEnds = Date.now() + (opts.batchWindowMs ?? 0)
      if (byId.size > 0 && Date.now() >= windowEnds) break
      if (got.length === 0) await pause(byId.size > 0 ? Math.min(idleMs, windowEnds - Date.now()) : idleMs)
    }
    return [...byId.values()]
  }

  const toRecord = (m: Message): SqsRecord => ({
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: { ...(m.Attributes ?? {}) },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion: LocalRegion,
  })

  /** Which records to delete. Lambda treats a malformed response (not a list, an unknown or empty id) as a failed batch. */
  const succeeded = (records: SqsRecord[], res: unknown): SqsRecord[] => {
    const failures = (res as Partial<SqsBatchResponse> | null | undefined)?.batchItemFailures ?? []
    const ids = new Set(records.map((r) => r.messageId))
    if (!Array.isArray(failures) || failures.some((f) => !f?.itemIdentifier || !ids.has(f.itemIdentifier))) {
      log.error('handler returned a malformed batchItemFailures: the whole batch is retried', { failures })
      return []
    }
    const failed = new Set(failures.map((f) => f.itemIdentifier))
    return records.filter((r) => !failed.has(r.messageId))
  }

  const invoke = async (records: SqsRecord[]) => {
    let done: SqsRecord[] = []
    try {
      done = succeeded(records, await handler({ Records: records }))
    } catch (err) {
      log.error('handler threw: every record of the batch is retried', { records: records.length, err: String(err) })
    }
    for (let i = 0; i < done.length; i += MaxReceive) {
      const entries = done.slice(i, i + MaxReceive).map((r, n) => ({ Id: String(n), ReceiptHandle: r.receiptHandle }))
      const res = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }))
      if (res.Failed?.length) log.warn('delete failed: the record will be redelivered', { failed: res.Failed })
    }
  }

  const poller = async () => {
    while (!stopping) {
      try {
        const batch = await collect()
        if (batch.length) await invoke(batch.map(toRecord))
      } catch (err) {
        // The SQS server going away (stop, crash) must not end the loop silently mid-run: log, back off, retry.
        if (!stopping) log.error('poll failed', { err: String(err) })
        await pause(500)
      }
    }
  }

  const pollers = Array.from({ length: Math.max(opts.concurrency ?? 1, 1) }, () => poller())
  return {
    async stop() {
      stopping = true
      wake.abort()
      await Promise.all(pollers)
    },
  }
}

export const consoleLog = (name: string): Log => {
  const line = (level: string, msg: string, fields?: Record<string, unknown>) =>
    console.error(JSON.stringify({ level, source: name, msg, ...fields }))
  return { info: (m, f) => line('info', m, f), warn: (m, f) => line('warn', m, f), error: (m, f) => line('error', m, f) }
}
