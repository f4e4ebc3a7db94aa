import type { CallbackMessage, DeliverMessage } from '../../lib/domain/jobs'
import { parseCallbackMessage } from '../../lib/domain/parse'
import type { Log, QueueConsumer, QueueSender, ReceivedMessage } from '../../lib/ports'
import { PollerGate } from '../../lib/ports/poller-gate'
import { type Clock, sleep } from '../session/clock'
import { claimAndSend, type DeliveryDeps, type Receiver } from './delivery'
import type { VerdictBook } from './verdicts'

export interface CallbackDeps {
  queues: Pick<QueueSender & QueueConsumer, 'receive' | 'delete' | 'deleteBatch' | 'changeVisibility'>
  queueUrl: string
  /** Long-poll wait, and how many polls run at once. */
  waitSec: number
  pollers: number
  /** A delivery holds its message while the ESME answers: the deliver_sm response timeout. */
  responseTimeoutMs: number
  log: Log
  clock: Clock
  verdicts: Pick<VerdictBook, 'settle'>
  delivery: DeliveryDeps
  /** A receiver or transceiver session of the account on this node, round-robin. */
  pickReceiver(accountId: string): Receiver | undefined
}

// Past this many receives a delivery that keeps failing is left to the pending table (next bind) rather
// than to the callback queue's DLQ: the item itself is never dropped, only this notification of it.
const RetriesOnQueue = 5
const MaxDeliveriesInFlight = 200
/**
 * Issue 13, item 3: deliver_sm in flight per receiver session. A session at its window gets no more; its
 * account's further notifications go back to the queue for a few seconds (DeferSec) instead of holding
 * slots of the node-wide cap, so a slow or silent receiver delays only its own account. 200 / 10 = 20
 * such sessions before other accounts wait at all.
 */
export const SessionDeliverWindow = 10
const DeferSec = 2

/**
 * Long-polls the node's callback queue: verdicts (alone or bundled) answer the waiting submit_sm, deliveries go out as
 * deliver_sm. A verdict is deleted once answered; a delivery only after its deliver_sm_resp with status 0
 * and the pending item's removal (at-least-once towards the ESME). A body that cannot be read is left on
 * the queue, so it ends in the DLQ with its alarm rather than in a log line only.
 */
export class CallbackConsumer {
  private running = false
  private loops: Promise<void>[] = []
  // An idle node holds one long poll of its callback queue, not `pollers` (issue 12: idle cost).
  private gate = new PollerGate()
  private inFlight = 0
  private readonly perSession = new WeakMap<Receiver, number>()
  private readonly sending = new Set<string>()

  constructor(private readonly node: CallbackDeps) {}

  start(): void {
    if (this.running) return
    this.running = true
    this.gate = new PollerGate()
    for (let i = 0; i < this.node.pollers; i++) this.loops.push(this.loop(i))
  }

  /**
   * Stops polling. With `wait`, resolves when every poll has returned (up to the long-poll wait); a
   * stopping process does not wait: what a last poll receives stays invisible for the visibility
   * timeout and then goes to another consumer (or back to this node's queue after a restart).
   */
  async stop(wait = true): Promise<void> {
    this.running = false
    this.gate.stop()
    if (wait) await Promise.all(this.loops)
    this.loops = []
  }

  get deliveriesInFlight(): number {
    return this.inFlight
  }

  private async loop(index: number): Promise<void> {
    const { queues, queueUrl: url, waitSec, log, clock } = this.node
    // A delivery holds its message while the ESME answers; keep it invisible that long.
    const visibilitySec = Math.ceil(this.node.responseTimeoutMs / 1000) + 10
    let failures = 0
    while (this.running) {
      let batch: ReceivedMessage[]
      await this.gate.turn(index)
      if (!this.running) break
      try {
        batch = await queues.receive(url, 10, waitSec, visibilitySec)
        this.gate.received(batch.length)
        failures = 0
      } catch (err) {
        failures++
        log.error('callback queue receive failed', { err, failures })
        await sleep(clock, Math.min(5_000, 100 * 2 ** Math.min(failures, 6)))
        continue
      }
      // Verdicts leave the queue in one DeleteMessageBatch per receive, not one request each.
      const answered: string[] = []
      for (const m of batch) if (this.handle(m)) answered.push(m.receiptHandle)
      if (answered.length > 0) this.removeAll(answered)
      // Back-pressure: deliveries wait for ESMEs; do not take more than can be held.
      while (this.running && this.inFlight >= MaxDeliveriesInFlight) await sleep(clock, 50)
    }
  }

  /** Acts on one message; true when it is done with (a verdict answered, a delivery left to pending) and due for deletion. */
  handle(m: ReceivedMessage): boolean {
    const { log, verdicts } = this.node
    let msg: CallbackMessage
    try {
      msg = parseCallbackMessage(m.body)
    } catch (err) {
      log.error('unreadable callback message', { sqsMessageId: m.messageId, err })
      return false
    }
    if (msg.type === 'verdict') {
      verdicts.settle(msg.messageId, msg.status, msg.unsuccess, msg.adoptedId) // submit_multi: the refused destinations (4.5.2)
      return true
    }
    if (msg.type === 'verdicts') {
      // Issue 16: one submit invocation's verdicts for this node; settling is synchronous, so once the loop is
      // through every submit_sm of the bundle is answered (or was already), and the message can go.
      for (const v of msg.verdicts) verdicts.settle(v.messageId, v.status, v.unsuccess, v.adoptedId)
      return true
    }
    const conn = this.node.pickReceiver(msg.accountId)
    if (conn !== undefined && (this.perSession.get(conn) ?? 0) >= SessionDeliverWindow) {
      // Not counted as a failed delivery: the pending item is untouched and the message comes back.
      this.node.delivery.metrics.count('deliveriesDeferred')
      // Deferred long enough: the pending item stays, and the bound session's periodic re-drain sends it.
      if (m.receiveCount >= RetriesOnQueue) return true
      this.node.queues
        .changeVisibility(this.node.queueUrl, m.receiptHandle, DeferSec)
        .catch((err) => log.error('callback defer failed', { err }))
      return false
    }
    this.inFlight++
    if (conn !== undefined) this.perSession.set(conn, (this.perSession.get(conn) ?? 0) + 1)
    this.deliver(msg, m, conn)
      .catch((err) => log.error('delivery failed', { accountId: msg.accountId, err }))
      .finally(() => {
        this.inFlight--
        if (conn !== undefined) this.perSession.set(conn, (this.perSession.get(conn) ?? 1) - 1)
      })
    return false
  }

  private async deliver(msg: DeliverMessage, m: ReceivedMessage, conn: Receiver | undefined): Promise<void> {
    const node = this.node
    // Stored claimed for this process (issue 12): the claim is ours to use, or to give back.
    const ours = msg.claimedBy === node.delivery.nodeId && msg.claimedUntil !== undefined
    // No receiver here (it left, or the DLR function's registry read was stale): the item stays
    // pending and goes out on the account's next bind or re-drain, so this notification is done.
    if (conn === undefined) {
      if (ours) await node.delivery.pending.unclaim(msg.accountId, msg.pendingSk).catch(() => {}) // else it waits out the claim
      return this.remove(m)
    }
    // Two copies of one notification (SQS is at least once) never send the item twice from here.
    if (this.sending.has(msg.pendingSk)) return this.remove(m)
    this.sending.add(msg.pendingSk)
    const sent = await claimAndSend(node.delivery, conn, {
      accountId: msg.accountId,
      sk: msg.pendingSk,
      deliver: msg.deliver,
      ...(ours ? { claimedUntil: msg.claimedUntil } : {}),
    }).finally(() => this.sending.delete(msg.pendingSk))
    // Sent; or already delivered, or being delivered by a bind's drain here or on another node.
    if (sent !== 'failed') return this.remove(m)
    if (m.receiveCount >= RetriesOnQueue) return this.remove(m)
    // Try again later, backing off; the pending item is also drained on the next bind.
    await node.queues.changeVisibility(node.queueUrl, m.receiptHandle, Math.min(300, 5 * 2 ** m.receiveCount))
  }

  private removeAll(receiptHandles: string[]): void {
    const { queues, queueUrl, log } = this.node
    queues.deleteBatch(queueUrl, receiptHandles).catch((err) => log.error('callback delete failed', { err }))
  }

  private remove(m: ReceivedMessage): void {
    const { queues, queueUrl, log } = this.node
    queues.delete(queueUrl, m.receiptHandle).catch((err) => log.error('callback delete failed', { err }))
  }
}
