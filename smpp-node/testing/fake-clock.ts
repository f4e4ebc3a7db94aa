import type { Clock, TimerHandle } from '../session/clock'

interface Timer {
  at: number
  seq: number
  fn: () => void
}

/** A clock that moves only when told: `advance(ms)` runs every timer that falls due, in order. */
export class FakeClock implements Clock {
  private t: number
  private seq = 0
  private readonly timers = new Set<Timer>()

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.t = start
  }

  now(): number {
    return this.t
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn }
    this.timers.add(timer)
    return timer
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    this.timers.delete(handle as Timer)
  }

  /** Moves time forward, firing due timers one at a time (each may set new ones), with I/O turns in between. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms
    for (let i = 0; i < 10_000; i++) {
      await settle()
      const next = [...this.timers].filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (next === undefined) break
      this.timers.delete(next)
      this.t = next.at
      next.fn()
    }
    this.t = end
    await settle()
  }
}

/** Lets pending promise callbacks and stream events run (a few event-loop turns). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}
