import type { SubmitJob, VerdictMessage } from '../../lib/domain/jobs'
import { bodyText, JsonBody, type QueueConsumer, type QueueSender, type ReceivedMessage } from '../../lib/ports'

interface Held {
  messageId: string
  body: string
  visibleAt: number
  receiveCount: number
  handle: string
}

interface Queue {
  /** Visible messages, oldest first (FIFO from `head`). */
  ready: Held[]
  head: number
  /** Received and not deleted, by receipt handle: visible again once visibleAt passes. */
  inFlight: Map<string, Held>
  nextExpiryCheck: number
  waiters: Array<() => void>
}

/**
 * The body's text; a producer's own JSON (the node's SubmitJob writer) must be what JSON.stringify writes of its
 * value, so every node test that posts a job also checks the writer against the job the node really built (not
 * in the bench, `record: false`, where it would add the very cost the writer saves).
 */
function checkedText(body: unknown): string {
  const text = bodyText(body)
  if (body instanceof JsonBody && text !== JSON.stringify(body.value))
    throw new Error(`the body's own JSON differs from JSON.stringify: ${text}`)
  return text
}

/**
 * Queues in memory with SQS's consumer semantics that the node relies on (long poll, visibility timeout,
 * delete by receipt handle, receive count). Bodies are JSON-serialised as on the wire. For in-process
 * tests and the bench; the integration suite runs the same node against the local SQS server.
 */
export class MemoryQueues implements QueueSender, QueueConsumer {
  private readonly queues = new Map<string, Queue>()
  private seq = 0
  /** Every body posted per queue URL, in order (what the tests assert on). */
  readonly sent = new Map<string, unknown[]>()
  /** When set, a body posted to this URL goes to the hook instead of a queue (the instant pipeline). */
  intercept?: { url: string; hook: (body: string) => void }

  /** `record: false` skips the `sent` log (the bench posts millions of bodies). */
  constructor(private readonly record = true) {}

  async send(queueUrl: string, body: unknown): Promise<void> {
    this.post(queueUrl, this.record ? checkedText(body) : bodyText(body))
  }

  async sendBatch(queueUrl: string, bodies: unknown[]): Promise<void> {
    for (const b of bodies) this.post(queueUrl, this.record ? checkedText(b) : bodyText(b))
  }

  private queue(url: string): Queue {
    let q = this.queues.get(url)
    if (q === undefined) {
      q = { ready: [], head: 0, inFlight: new Map(), nextExpiryCheck: 0, waiters: [] }
      this.queues.set(url, q)
    }
    return q
  }

  post(queueUrl: string, body: string): void {
    if (this.record) {
      const log = this.sent.get(queueUrl) ?? []
      if (log.length < 100_000) log.push(parseOr(body))
      this.sent.set(queueUrl, log)
    }
    if (this.intercept?.url === queueUrl) {
      this.intercept.hook(body)
      return
    }
    const q = this.queue(queueUrl)
    q.ready.push({ messageId: `m${++this.seq}`, body, visibleAt: 0, receiveCount: 0, handle: '' })
    if (q.waiters.length > 0) for (const wake of q.waiters.splice(0)) wake()
  }

  /** Messages still on the queue (visible or in flight). */
  depth(queueUrl: string): number {
    const q = this.queues.get(queueUrl)
    return q ? q.ready.length - q.head + q.inFlight.size : 0
  }

  /** In-flight messages whose visibility timeout passed go back to the front, as SQS makes them visible again. */
  private expire(q: Queue, now: number): void {
    if (now < q.nextExpiryCheck) return
    q.nextExpiryCheck = now + 50
    const back: Held[] = []
    for (const [handle, m] of q.inFlight) {
      if (m.visibleAt > now) continue
      q.inFlight.delete(handle)
      back.push(m)
    }
    if (back.length > 0) {
      q.ready = [...back, ...q.ready.slice(q.head)]
      q.head = 0
    }
  }

  async receive(queueUrl: string, max: number, waitSec: number, visibilitySec = 30): Promise<ReceivedMessage[]> {
    const q = this.queue(queueUrl)
    const until = Date.now() + waitSec * 1000
    for (;;) {
      const now = Date.now()
      this.expire(q, now)
      const out: ReceivedMessage[] = []
      while (out.length < max && q.head < q.ready.length) {
        const m = q.ready[q.head++]
        m.visibleAt = now + visibilitySec * 1000
        m.receiveCount++
        m.handle = `h${++this.seq}`
        q.inFlight.set(m.handle, m)
        out.push({ messageId: m.messageId, receiptHandle: m.handle, body: m.body, receiveCount: m.receiveCount })
      }
      if (q.head > 1024 && q.head * 2 > q.ready.length) {
        q.ready = q.ready.slice(q.head)
        q.head = 0
      }
      if (out.length > 0 || now >= until) return out
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(until - now, 100))
        q.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  async delete(queueUrl: string, receiptHandle: string): Promise<void> {
    this.queues.get(queueUrl)?.inFlight.delete(receiptHandle)
  }

  async deleteBatch(queueUrl: string, receiptHandles: string[]): Promise<void> {
    for (const h of receiptHandles) this.queues.get(queueUrl)?.inFlight.delete(h)
  }

  async changeVisibility(queueUrl: string, receiptHandle: string, seconds: number): Promise<void> {
    const q = this.queues.get(queueUrl)
    const m = q?.inFlight.get(receiptHandle)
    if (q && m) {
      m.visibleAt = Date.now() + seconds * 1000
      q.nextExpiryCheck = 0
    }
  }
}

const parseOr = (body: string): unknown => {
  try {
    return JSON.parse(body)
  } catch {
    return body
  }
}

/**
 * A test double of the submit pipeline (not of AWS): every job posted to the submit queue is answered at
 * once on its replyTo queue with the status `verdictOf` returns, or not at all when it returns undefined
 * (to exercise the deadline). The bench uses it as the "instant local verdict".
 */
export function instantPipeline(
  queues: MemoryQueues,
  submitUrl: string,
  verdictOf: (job: SubmitJob) => number | Omit<VerdictMessage, 'type' | 'messageId'> | undefined = () => 0,
): void {
  queues.intercept = {
    url: submitUrl,
    hook: (body) => {
      const job = JSON.parse(body) as SubmitJob
      const status = verdictOf(job)
      if (status === undefined || job.async) return
      const verdict: VerdictMessage = {
        type: 'verdict',
        messageId: job.messageId,
        ...(typeof status === 'number' ? { status } : status),
      }
      queues.post(job.replyTo, JSON.stringify(verdict))
    },
  }
}
