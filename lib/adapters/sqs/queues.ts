import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import { BatchSendFailure, bodyText, type QueueConsumer, QueueGone, type QueueSender, type ReceivedMessage } from '../../ports/queue'

/** SendMessageBatch takes at most 10 entries and 256 KiB in all. */
const MaxEntries = 10
const MaxBatchBytes = 256 * 1024
const BatchAttempts = 4
/** How long a delete waits for others of its queue to share its DeleteMessageBatch. */
const DeleteWindowMs = 10

export class QueueError extends Error {
  constructor(op: string, queueUrl: string, cause: unknown) {
    super(`sqs ${op} ${queueUrl}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    this.name = 'QueueError'
  }
}

/** Splits bodies into SendMessageBatch-sized chunks, by count and by bytes. */
export function chunkBodies(bodies: string[]): string[][] {
  const chunks: string[][] = []
  let current: string[] = []
  let bytes = 0
  for (const body of bodies) {
    const size = Buffer.byteLength(body)
    if (current.length === MaxEntries || (current.length > 0 && bytes + size > MaxBatchBytes)) {
      chunks.push(current)
      current = []
      bytes = 0
    }
    current.push(body)
    bytes += size
  }
  if (current.length) chunks.push(current)
  return chunks
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The QueueSender and QueueConsumer ports on SQS; bodies are JSON. SDK errors leave as QueueError. */
export function sqsQueues(sqs: SQSClient): QueueSender & QueueConsumer {
  const guard = async <T>(op: string, queueUrl: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call()
    } catch (err) {
      throw err instanceof QueueError || err instanceof BatchSendFailure || err instanceof QueueGone
        ? err
        : new QueueError(op, queueUrl, err)
    }
  }

  /** Sends one chunk, retrying entries SQS failed for its own reasons; resolves with the positions still failing. */
  const sendChunk = async (queueUrl: string, chunk: string[]): Promise<number[]> => {
    let entries: SendMessageBatchRequestEntry[] = chunk.map((MessageBody, i) => ({ Id: String(i), MessageBody }))
    for (let attempt = 1; entries.length > 0; attempt++) {
      const res = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }))
      const failed = new Set((res.Failed ?? []).map((f) => f.Id))
      // A batch succeeds or fails per entry; a sender fault (bad body) will not get better by retrying.
      const fatal = new Set((res.Failed ?? []).filter((f) => f.SenderFault).map((f) => f.Id))
      entries = entries.filter((e) => failed.has(e.Id))
      if (fatal.size > 0 || attempt >= BatchAttempts) return entries.map((e) => Number(e.Id))
      if (entries.length) await sleep(50 * 2 ** attempt)
    }
    return []
  }

  const receiveOnce = async (queueUrl: string, max: number, waitSec: number, visibilitySec?: number) => {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(Math.max(max, 1), MaxEntries),
        WaitTimeSeconds: waitSec,
        VisibilityTimeout: visibilitySec,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        // The deprecated field too (its type allows only 'All' here): the local SQS server reads only this one.
        AttributeNames: ['All'],
      }),
    )
    // One entry per message, the last receive winning: the local server can hand out a message twice in one
    // answer when its visibility timeout is shorter than the wait, and only the newest receipt handle is valid.
    const byId = new Map<string, ReceivedMessage>()
    for (const m of res.Messages ?? []) {
      const messageId = m.MessageId ?? ''
      byId.delete(messageId)
      byId.set(messageId, {
        messageId,
        receiptHandle: m.ReceiptHandle ?? '',
        body: m.Body ?? '',
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
      })
    }
    return [...byId.values()]
  }

  const deletes = new Map<string, Array<{ receiptHandle: string; resolve: () => void; reject: (err: unknown) => void }>>()
  const flushDeletes = (queueUrl: string) => {
    const waiting = deletes.get(queueUrl)
    if (!waiting) return
    deletes.delete(queueUrl)
    const Entries = waiting.map((w, n) => ({ Id: String(n), ReceiptHandle: w.receiptHandle }))
    sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries })).then(
      (res) => {
        // Per entry: an expired receipt handle fails alone, and only its caller hears of it.
        const failed = new Map((res.Failed ?? []).map((f) => [f.Id, f]))
        waiting.forEach((w, n) => {
          const f = failed.get(String(n))
          if (f) w.reject(new QueueError('delete', queueUrl, new Error(`${f.Code}${f.Message ? ` ${f.Message}` : ''}`)))
          else w.resolve()
        })
      },
      (err) => {
        for (const w of waiting) w.reject(new QueueError('delete', queueUrl, err))
      },
    )
  }

  return {
    send: (queueUrl, body) =>
      guard('send', queueUrl, async () => {
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: bodyText(body) }))
      }),

    sendBatch: (queueUrl, bodies) =>
      guard('sendBatch', queueUrl, async () => {
        // Every chunk is tried, and the failures are reported by position (issue 13, item 8): a caller must not
        // tell the sender of a queued body that it failed, or its retry becomes a duplicate.
        const failed: number[] = []
        let first: unknown
        let offset = 0
        for (const chunk of chunkBodies(bodies.map(bodyText))) {
          const at = offset
          offset += chunk.length
          try {
            for (const i of await sendChunk(queueUrl, chunk)) failed.push(at + i)
          } catch (err) {
            // A queue that does not exist takes nothing: the caller learns it by type (issue 18, a drained node's queue).
            if (err instanceof QueueDoesNotExist) throw new QueueGone(queueUrl, { cause: err })
            // The request itself failed: none of this chunk is sure to be queued.
            first ??= err
            for (let i = 0; i < chunk.length; i++) failed.push(at + i)
          }
        }
        if (failed.length === 0) return
        const why = first instanceof Error ? first.message : 'entries still failing'
        throw new BatchSendFailure(failed, `sqs sendBatch ${queueUrl}: ${failed.length} of ${bodies.length} not queued: ${why}`, {
          cause: first,
        })
      }),

    receive: (queueUrl, max, waitSec, visibilitySec) =>
      // A real long poll on AWS and locally alike: the local SQS server answers as soon as a message is there
      // (infra/local/sqs-long-poll.ts), so no short polls (issue 12).
      guard('receive', queueUrl, () => receiveOnce(queueUrl, max, waitSec, visibilitySec)),

    // Deletes of one queue made within DeleteWindowMs leave in one DeleteMessageBatch (issue 12): a delete is
    // on no one's latency path (the message was handled; the wait only extends its invisibility a little).
    delete: (queueUrl, receiptHandle) =>
      new Promise<void>((resolve, reject) => {
        let waiting = deletes.get(queueUrl)
        if (!waiting) {
          waiting = []
          deletes.set(queueUrl, waiting)
          setTimeout(() => flushDeletes(queueUrl), DeleteWindowMs)
        }
        waiting.push({ receiptHandle, resolve, reject })
        if (waiting.length >= MaxEntries) flushDeletes(queueUrl)
      }),

    deleteBatch: (queueUrl, receiptHandles) =>
      guard('deleteBatch', queueUrl, async () => {
        // Per entry, like SendMessageBatch: an expired receipt handle fails alone (its message comes back and is
        // handled again), so every chunk is tried and the failures are reported together.
        const failed: string[] = []
        for (let i = 0; i < receiptHandles.length; i += MaxEntries) {
          const Entries = receiptHandles.slice(i, i + MaxEntries).map((ReceiptHandle, n) => ({ Id: String(n), ReceiptHandle }))
          const res = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries }))
          for (const f of res.Failed ?? []) failed.push(`${f.Code}${f.Message ? ` ${f.Message}` : ''}`)
        }
        if (failed.length) throw new Error(`${failed.length} of ${receiptHandles.length} not deleted: ${failed[0]}`)
      }),

    changeVisibility: (queueUrl, receiptHandle, seconds) =>
      guard('changeVisibility', queueUrl, async () => {
        await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }))
      }),
  }
}
