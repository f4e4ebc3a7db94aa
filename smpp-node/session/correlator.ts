import type { Pdu } from '../../lib/smpp/pdu'
import type { Clock, TimerHandle } from './clock'

interface Outstanding {
  resolve(pdu: Pdu): void
  reject(err: Error): void
  timer: TimerHandle
}

/**
 * Our requests on one link, by sequence_number (0x00000001..0x7FFFFFFF, SMPP 3.4 section 3.2): each waits
 * for the response of its sequence, in whatever order they come, or for its response timer.
 */
export class Correlator {
  private readonly outstanding = new Map<number, Outstanding>()
  private seq = 0

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.outstanding.size
  }

  /** Numbers a request, sends it with `send(sequence)`, and waits; `onTimeout` gives the rejection when the timer fires first. */
  expect(timeoutMs: number, onTimeout: (sequence: number) => Error, send: (sequence: number) => void): Promise<Pdu> {
    this.seq = this.seq >= 0x7fffffff ? 1 : this.seq + 1
    const sequence = this.seq
    return new Promise<Pdu>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.outstanding.delete(sequence)
        reject(onTimeout(sequence))
      }, timeoutMs)
      this.outstanding.set(sequence, { resolve, reject, timer })
      send(sequence)
    })
  }

  /** A response: true when a request waited for it (late or unsolicited ones have nobody). */
  settle(pdu: Pdu): boolean {
    const waiting = this.outstanding.get(pdu.sequence)
    if (waiting === undefined) return false
    this.outstanding.delete(pdu.sequence)
    this.clock.clearTimeout(waiting.timer)
    waiting.resolve(pdu)
    return true
  }

  failAll(reason: Error): void {
    for (const o of this.outstanding.values()) {
      this.clock.clearTimeout(o.timer)
      o.reject(reason)
    }
    this.outstanding.clear()
  }
}
