import type { Duplex } from 'node:stream'

/**
 * Coalesces the PDUs one turn of the event loop produces into a single socket write: under load a chunk
 * of 50 submit_sm yields 50 responses and one syscall instead of 50. When the socket's buffer is full the
 * writer asks the connection to stop reading (`onPressure(true)`), so a client that does not read its
 * responses cannot make the node buffer without bound.
 */
export class PduWriter {
  private queued: Buffer[] = []
  private scheduled = false
  private waitingDrain = false

  constructor(
    private readonly stream: Duplex,
    private readonly onPressure: (full: boolean) => void,
  ) {}

  get writable(): boolean {
    return !this.stream.destroyed && !this.stream.writableEnded
  }

  write(pdu: Buffer): void {
    if (!this.writable) return
    this.queued.push(pdu)
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.flush())
    }
  }

  flush(): void {
    this.scheduled = false
    if (this.queued.length === 0 || !this.writable) {
      this.queued = []
      return
    }
    const data = this.queued.length === 1 ? this.queued[0] : Buffer.concat(this.queued)
    this.queued = []
    if (!this.stream.write(data) && !this.waitingDrain) {
      this.waitingDrain = true
      this.onPressure(true)
      this.stream.once('drain', () => {
        this.waitingDrain = false
        this.onPressure(false)
      })
    }
  }

  /** Flushes what is queued, then ends the stream; resolves once the bytes are handed to the OS (or the stream is gone). */
  end(): Promise<void> {
    this.flush()
    if (!this.writable) return Promise.resolve()
    return new Promise((resolve) => {
      this.stream.end(() => resolve())
      this.stream.once('close', () => resolve())
    })
  }
}
