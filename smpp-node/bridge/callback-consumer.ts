import type { CallbackMessage, DeliverMessage } from '../../lib/domain/jobs'
import type { ReceivedMessage } from '../../lib/ports'
import type { NodeContext } from '../node/context'
import { sleep } from '../session/clock'
import type { Connection } from '../session/connection'
import { deliverTo } from './deliver'

export interface CallbackHost extends NodeContext {
  /** A receiver or transceiver session of the account on this node, round-robin. */
  pickReceiver(accountId: string): Connection | undefined
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
 * Long-polls the node's callback queue: verdicts answer the waiting submit_sm, deliveries go out as
 * deliver_sm. A verdict is deleted once answered; a delivery only after its deliver_sm_resp with status 0
 * and the pending item's removal (at-least-once towards the ESME). A body that cannot be read is left on
 * the queue, so it ends in the DLQ with its alarm rather than in a log line only.
 */
export class CallbackConsumer {
  private running = false
  private loops: Promise<void>[] = []
  private inFlight = 0
  private readonly perSession = new WeakMap<Connection, number>()

  constructor(private readonly node: CallbackHost) {}

  start(): void {
    if (this.running) return
    this.running = true
    for (let i = 0; i < this.node.settings.callbackPollers; i++) this.loops.push(this.loop())
  }

  /**
   * Stops polling. With `wait`, resolves when every poll has returned (up to the long-poll wait); a
   * stopping process does not wait: what a last poll receives stays invisible for the visibility
   * timeout and then goes to another consumer (or back to this node's queue after a restart).
   */
  async stop(wait = true): Promise<void> {
    this.running = false
    if (wait) await Promise.all(this.loops)
    this.loops = []
  }

  get deliveriesInFlight(): number {
    return this.inFlight
  }

  private async loop(): Promise<void> {
    const { queues, settings, log, clock } = this.node
    const url = settings.callbackQueueUrl
    // A delivery holds its message while the ESME answers; keep it invisible that long.
    const visibilitySec = Math.ceil(settings.smpp.responseTimeoutMs / 1000) + 10
    let failures = 0
    while (this.running) {
      let batch: ReceivedMessage[]
      try {
        batch = await queues.receive(url, 10, settings.callbackWaitSec, visibilitySec)
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
      msg = JSON.parse(m.body) as CallbackMessage
    } catch {
      log.error('unreadable callback message', { sqsMessageId: m.messageId })
      return false
    }
    if (msg?.type === 'verdict' && typeof msg.messageId === 'string' && typeof msg.status === 'number') {
      verdicts.settle(msg.messageId, msg.status)
      return true
    }
    if (msg?.type === 'deliver' && typeof msg.accountId === 'string' && typeof msg.pendingSk === 'string' && msg.deliver) {
      const conn = this.node.pickReceiver(msg.accountId)
      if (conn !== undefined && (this.perSession.get(conn) ?? 0) >= SessionDeliverWindow) {
        // Not counted as a failed delivery: the pending item is untouched and the message comes back.
        this.node.metrics.count('deliveriesDeferred')
        // Deferred long enough: the pending item stays, and the bound session's periodic re-drain sends it.
        if (m.receiveCount >= RetriesOnQueue) return true
        this.node.queues
          .changeVisibility(this.node.settings.callbackQueueUrl, m.receiptHandle, DeferSec)
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
    } else {
      log.error('unknown callback message', { sqsMessageId: m.messageId })
    }
    return false
  }

  private async deliver(msg: DeliverMessage, m: ReceivedMessage, conn: Connection | undefined): Promise<void> {
    const node = this.node
    const { pending } = node.stores
    // No receiver here (it left, or the DLR function's registry read was stale): the item stays
    // pending and goes out on the account's next bind, so this notification is done.
    if (conn === undefined) return this.remove(m)
    const claimUntil = node.clock.now() + node.settings.smpp.responseTimeoutMs + 5_000
    // Already delivered, or being delivered by a bind's drain here or on another node.
    if (!(await pending.claim(msg.accountId, msg.pendingSk, node.settings.nodeId, claimUntil))) return this.remove(m)
    if (await deliverTo(conn, msg.deliver)) {
      await pending.remove(msg.accountId, msg.pendingSk)
      return this.remove(m)
    }
    await pending.unclaim(msg.accountId, msg.pendingSk)
    if (m.receiveCount >= RetriesOnQueue) return this.remove(m)
    // Try again later, backing off; the pending item is also drained on the next bind.
    await node.queues.changeVisibility(node.settings.callbackQueueUrl, m.receiptHandle, Math.min(300, 5 * 2 ** m.receiveCount))
  }

  private removeAll(receiptHandles: string[]): void {
    const { queues, settings, log } = this.node
    queues.deleteBatch(settings.callbackQueueUrl, receiptHandles).catch((err) => log.error('callback delete failed', { err }))
  }

  private remove(m: ReceivedMessage): void {
    const { queues, settings, log } = this.node
    queues.delete(settings.callbackQueueUrl, m.receiptHandle).catch((err) => log.error('callback delete failed', { err }))
  }
}
