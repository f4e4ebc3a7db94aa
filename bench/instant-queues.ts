import { bodyText, type QueueConsumer, type QueueSender, type ReceivedMessage } from '../lib/ports'

/**
 * The bench's stand-in for SQS and the submit pipeline ("instant local verdict"), cheap but honest:
 *
 * - every SubmitJob the node posts is serialised as the SQS adapter sends it (bodyText: the node's own JSON), and the
 *   verdict names the messageId read back from that serialised body (so the job must really be encoded);
 * - it answers the way the submit function does (lib/domain/submit.ts, verdict-bundle.ts, issue 16): the jobs
 *   of one sendBatch (the node's SendMessageBatch of up to 10, which the submit Lambda receives as one batch of
 *   the submit queue) get ONE bundle `{"type":"verdicts","verdicts":[{"messageId":...,"status":0},...]}` on
 *   the node's callback queue (they all name it), and a lone job its single verdict
 *   `{"type":"verdict","messageId":...,"status":0}`; the node's callback consumer receives them (up to 10 per
 *   receive, long-polling), JSON.parses each, answers the waiting submit_sm and deletes it, as against SQS.
 *
 * What it leaves out is the work that is not the node's: the pipeline's parse of the job (a Lambda does it,
 * elsewhere) and SQS's visibility bookkeeping (the bench never fails a delivery). smpp-node/testing's
 * MemoryQueues keeps the full semantics for the tests; it also parses every job on the node's thread.
 */
export class InstantQueues implements QueueSender, QueueConsumer {
  private ready: ReceivedMessage[] = []
  private head = 0
  private waiters: Array<() => void> = []
  private seq = 0
  /** Jobs posted to the submit queue and callback messages deleted: a check that the bench did what it says. */
  jobs = 0
  deleted = 0

  constructor(
    private readonly submitUrl: string,
    private readonly callbackUrl: string,
  ) {}

  async send(queueUrl: string, body: unknown): Promise<void> {
    const id = this.post(queueUrl, bodyText(body))
    if (id !== undefined) this.callback(`{"type":"verdict","messageId":"${id}","status":0}`)
  }

  async sendBatch(queueUrl: string, bodies: unknown[]): Promise<void> {
    const ids: string[] = []
    for (const b of bodies) {
      const id = this.post(queueUrl, bodyText(b))
      if (id !== undefined) ids.push(id)
    }
    if (ids.length === 1) this.callback(`{"type":"verdict","messageId":"${ids[0]}","status":0}`)
    else if (ids.length > 1)
      this.callback(`{"type":"verdicts","verdicts":[${ids.map((id) => `{"messageId":"${id}","status":0}`).join(',')}]}`)
  }

  /** Checks one serialised job; its messageId when a verdict is due (a sync account's job). */
  private post(queueUrl: string, body: string): string | undefined {
    if (queueUrl !== this.submitUrl) throw new Error(`the bench has no queue ${queueUrl}`)
    this.jobs++
    const messageId = fieldOf(body, MessageIdKey)
    if (!hasField(body, ReplyToKey, this.callbackUrl) || messageId === undefined) throw new Error(`not a SubmitJob for this node: ${body}`)
    // Async accounts were answered already; their verdict is a receipt. Looked up by key, not by includes('"async":true'):
    // that scanned the whole ~700-character body of every (sync) job on the node's thread, a cost of the bench alone.
    const at = body.indexOf('"async":')
    if (at < 0) throw new Error(`not a SubmitJob for this node: ${body}`)
    return body.startsWith('true', at + 8) ? undefined : messageId
  }

  private callback(body: string): void {
    const m = ++this.seq
    this.ready.push({ messageId: `m${m}`, receiptHandle: `h${m}`, body, receiveCount: 1 })
    if (this.waiters.length > 0) for (const wake of this.waiters.splice(0)) wake()
  }

  async receive(queueUrl: string, max: number, waitSec: number): Promise<ReceivedMessage[]> {
    if (queueUrl !== this.callbackUrl) throw new Error(`the bench has no queue ${queueUrl}`)
    if (this.head >= this.ready.length) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitSec * 1000)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    const out = this.ready.slice(this.head, this.head + max)
    this.head += out.length
    if (this.head > 4096 && this.head * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.head)
      this.head = 0
    }
    return out
  }

  async delete(): Promise<void> {
    this.deleted++
  }

  async deleteBatch(_queueUrl: string, receiptHandles: string[]): Promise<void> {
    this.deleted += receiptHandles.length
  }

  async changeVisibility(): Promise<void> {}
}

// The keys made once: the check runs for every job, on the node's thread, and counts as the node's cost.
const MessageIdKey = '"messageId":"'
const ReplyToKey = '"replyTo":"'

/** The string value of a top-level `"name":"value"` (key: `"name":"`) in a JSON body (no escapes in the fields read here). */
function fieldOf(body: string, key: string): string | undefined {
  const at = body.indexOf(key)
  if (at < 0) return undefined
  const end = body.indexOf('"', at + key.length)
  return end < 0 ? undefined : body.slice(at + key.length, end)
}

/** Whether the body has `"name":"value"` with this value, compared in place (no substring). */
function hasField(body: string, key: string, value: string): boolean {
  const at = body.indexOf(key)
  return at >= 0 && body.startsWith(value, at + key.length) && body.charCodeAt(at + key.length + value.length) === 0x22 // the closing quote
}
