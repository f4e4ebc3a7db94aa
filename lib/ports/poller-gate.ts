/**
 * The concurrent pollers of one queue, scaled to its traffic (issue 12, idle cost): poller 0 always long-polls;
 * the others poll while the last receive found messages, and wait for one that does after a receive came back
 * empty. An idle queue then holds one long poll instead of N, each 20 s wait a billed ReceiveMessage on AWS
 * (and, locally, a request and a waiting poll in the SQS server). Nothing is slower for it: an empty queue's
 * first message is handed to the poll already waiting (SQS answers a long poll as soon as one is there), and
 * that receive wakes the rest, so a burst has every poller again after one receive.
 */
export class PollerGate {
  private busy = false
  private stopped = false
  private parked: (() => void)[] = []

  /** Resolves when poller `index` may receive: at once for poller 0, while busy, or once stopped. */
  turn(index: number): Promise<void> {
    if (index === 0 || this.busy || this.stopped) return Promise.resolve()
    return new Promise((resolve) => this.parked.push(resolve))
  }

  /** After each receive: messages wake every waiting poller; an empty receive lets the others wait. */
  received(count: number): void {
    this.busy = count > 0
    if (this.busy) this.wakeAll()
  }

  /** Stop: no poller waits any more (each checks its own stop flag after its turn). */
  stop(): void {
    this.stopped = true
    this.wakeAll()
  }

  /** Pollers waiting for their turn (for tests and the health view). */
  get waiting(): number {
    return this.parked.length
  }

  private wakeAll(): void {
    const woken = this.parked
    this.parked = []
    for (const wake of woken) wake()
  }
}
