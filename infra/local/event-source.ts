import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import { countInvocation } from '../../lib/adapters/aws/meter'
import type { Log } from '../../lib/ports/log'
import { PollerGate } from '../../lib/ports/poller-gate'
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
  /** Longest wait of one receive on an empty queue (Lambda's pollers long-poll for 20 s). */
  waitSec?: number
  log?: Log
}

export interface EventSourceRunner {
  /** Stops polling; resolves once every in-flight batch has finished and been acknowledged. */
  stop(): Promise<void>
}

const MaxReceive = 10
const WindowPollMs = 10

/**
 * A local stand-in for Lambda's SQS event source mapping, with reportBatchItemFailures on: records the handler
 * reports as failed, and every record of a batch whose invocation throws, are left in the queue and come back
 * after the visibility timeout; the rest are deleted. The SQS server applies the queue's RedrivePolicy itself
 * (a message still in flight when its visibility ends with ApproximateReceiveCount >= maxReceiveCount moves to the DLQ).
 */
export async function startEventSource(opts: EventSourceOptions): Promise<EventSourceRunner> {
  const { sqs, queueUrl, handler, batchSize } = opts
  const log = opts.log ?? consoleLog(queueUrl)
  const waitSec = opts.waitSec ?? 20
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
  const eventSourceARN = attrs.Attributes?.QueueArn ?? ''
  let stopping = false
  const wake = new AbortController()
  // An idle queue holds one long poll, not `concurrency` (issue 12: idle cost); Lambda too scales its pollers down.
  const gate = new PollerGate()
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

  // A stop aborts the long polls in flight, so it does not wait out their 20 s.
  const receive = async (max: number, wait: number): Promise<Message[]> => {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(max, MaxReceive),
        WaitTimeSeconds: wait,
        AttributeNames: ['All'],
      }),
      { abortSignal: wake.signal },
    )
    return res.Messages ?? []
  }

  /**
   * One batch: a long poll for the first records (answered as soon as one is there, on AWS and by the local
   * server alike), then, while the batch is not full, more until the batching window is over: short polls,
   * a 10 ms pause between empty ones. The pause only runs inside an open window, never on an idle queue.
   */
  const collect = async (index: number): Promise<Message[]> => {
    const byId = new Map<string, Message>()
    // The last receive of a message wins: only its newest receipt handle deletes it.
    const add = (got: Message[]) => {
      for (const m of got) byId.set(m.MessageId ?? '', m)
    }
    while (!stopping && byId.size === 0) {
      await gate.turn(index)
      if (stopping) break
      const got = await receive(batchSize, waitSec)
      gate.received(got.length)
      add(got)
    }
    const windowMs = opts.batchWindowMs ?? 0
    const windowEnds = Date.now() + windowMs
    while (windowMs > 0 && !stopping && byId.size < batchSize) {
      const got = await receive(batchSize - byId.size, 0)
      add(got)
      if (Date.now() >= windowEnds) break
      if (got.length === 0) await pause(Math.min(WindowPollMs, windowEnds - Date.now()))
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

  const remove = async (done: SqsRecord[]) => {
    for (let i = 0; i < done.length; i += MaxReceive) {
      const entries = done.slice(i, i + MaxReceive).map((r, n) => ({ Id: String(n), ReceiptHandle: r.receiptHandle }))
      const res = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }))
      if (res.Failed?.length) log.warn('delete failed: the record will be redelivered', { failed: res.Failed })
    }
  }
  // Deletes still in flight: a stop waits for them, the poller does not (see invoke).
  const deleting = new Set<Promise<void>>()

  /**
   * Runs the handler, then deletes what succeeded. The poller goes back to its receive as soon as the handler has
   * returned, not after the delete's round trip (issue 12: a busy queue's next batch waited for it at every
   * invocation): the records are invisible for the visibility timeout meanwhile, and a delete that fails or never
   * runs (a crash) only means a redelivery, which every handler's once-only guards already answer.
   */
  const invoke = async (records: SqsRecord[]) => {
    let done: SqsRecord[] = []
    countInvocation(records.length)
    try {
      done = succeeded(records, await handler({ Records: records }))
    } catch (err) {
      log.error('handler threw: every record of the batch is retried', { records: records.length, err: String(err) })
    }
    if (done.length === 0) return
    const deleted = remove(done)
      .catch((err) => log.error('delete failed: the batch will be redelivered', { err: String(err) }))
      .finally(() => deleting.delete(deleted))
    deleting.add(deleted)
  }

  const poller = async (index: number) => {
    while (!stopping) {
      try {
        const batch = await collect(index)
        if (batch.length) await invoke(batch.map(toRecord))
      } catch (err) {
        // The SQS server going away (stop, crash) must not end the loop silently mid-run: log, back off, retry.
        if (!stopping) log.error('poll failed', { err: String(err) })
        await pause(500)
      }
    }
  }

  const pollers = Array.from({ length: Math.max(opts.concurrency ?? 1, 1) }, (_, i) => poller(i))
  return {
    async stop() {
      stopping = true
      gate.stop()
      wake.abort()
      await Promise.all(pollers)
      await Promise.all([...deleting]) // every finished batch acknowledged
    },
  }
}

export const consoleLog = (name: string): Log => {
  const line = (level: string, msg: string, fields?: Record<string, unknown>) =>
    console.error(JSON.stringify({ level, source: name, msg, ...fields }))
  return { info: (m, f) => line('info', m, f), warn: (m, f) => line('warn', m, f), error: (m, f) => line('error', m, f) }
}
