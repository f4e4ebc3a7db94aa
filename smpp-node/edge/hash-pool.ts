/**
 * Bounds the password hashing a node does for unauthenticated peers (issue 13, item 6): at most
 * `concurrency` scrypt runs at once (the libuv pool has 4 threads, shared with DNS and file I/O) and at
 * most `queueLimit` waiting. A bind that finds the queue full is refused at once instead of waiting
 * behind a flood of guesses, so a legitimate bind waits for at most `queueLimit / concurrency` hashes.
 */
export class HashPool {
  private running = 0
  private readonly waiting: (() => void)[] = []
  private typical = 30 // ms, moving average of recent verifications; a first guess until one has run

  constructor(
    private readonly concurrency: number,
    private readonly queueLimit: number,
  ) {}

  /** Runs `work` when a slot is free; resolves `busy` without running it when the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<{ kind: 'done'; value: T } | { kind: 'busy' }> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queueLimit) return { kind: 'busy' }
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    } else {
      this.running++
    }
    const started = performance.now()
    try {
      return { kind: 'done', value: await work() }
    } finally {
      this.typical += (performance.now() - started - this.typical) / 8
      // Hand the slot straight to the next waiter, so `running` never dips below the work in progress.
      const next = this.waiting.shift()
      if (next) next()
      else this.running--
    }
  }

  /** How long a verification takes lately: what a bind for an unknown system_id waits instead of hashing. */
  get typicalMs(): number {
    return Math.round(this.typical)
  }

  get queued(): number {
    return this.waiting.length
  }
}
