/**
 * The window of one session: client requests received and not yet answered (SMPP 3.4 section 2.6 lets a
 * peer send many requests before the responses return). Over the size, a request is answered at once
 * with ESME_RMSGQFUL instead of being queued.
 */
export class Window {
  private n = 0
  private waiters: Array<() => void> = []

  constructor(readonly size: number) {}

  get outstanding(): number {
    return this.n
  }

  tryAcquire(): boolean {
    if (this.n >= this.size) return false
    this.n++
    return true
  }

  release(): void {
    if (this.n > 0) this.n--
    if (this.n === 0 || this.waiters.length > 0) this.wake()
  }

  /** Resolves once at most `upTo` requests are outstanding (unbind waits for all but itself). */
  until(upTo: number): Promise<void> {
    if (this.n <= upTo) return Promise.resolve()
    return new Promise((resolve) => {
      const check = () => {
        if (this.n <= upTo) resolve()
        else this.waiters.push(check)
      }
      this.waiters.push(check)
    })
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }
}
