import type { Clock, TimerHandle } from './clock'

/**
 * The keep-alive timer of one link (SMPP 3.4 section 4.11): `onIdle` once nothing arrived for `intervalMs`.
 * One timer re-armed from the last arrival, instead of a clear and set on every chunk: `touch` only notes the time.
 */
export class KeepAlive {
  private lastRx: number
  private timer?: TimerHandle
  private stopped = false

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly onIdle: () => void,
  ) {
    this.lastRx = clock.now()
    this.arm(intervalMs)
  }

  touch(): void {
    this.lastRx = this.clock.now()
  }

  stop(): void {
    this.stopped = true
    this.clock.clearTimeout(this.timer)
  }

  private arm(ms: number): void {
    if (this.intervalMs <= 0 || this.stopped) return
    this.timer = this.clock.setTimeout(() => {
      const idle = this.clock.now() - this.lastRx
      if (idle < ms) return this.arm(ms - idle)
      this.onIdle()
      this.arm(this.intervalMs)
    }, ms)
  }
}
