import type { Duplex } from 'node:stream'
import { encode } from '../../lib/smpp/codec'
import { FrameError, Framer } from '../../lib/smpp/framer'
import type { Pdu } from '../../lib/smpp/pdu'

/** A raw SMPP peer on a stream, speaking through our own codec: sends PDUs, collects what comes back. */
export class WireClient {
  readonly received: Pdu[] = []
  closed = false
  private readonly framer = new Framer()
  private read = 0

  constructor(readonly stream: Duplex) {
    stream.on('data', (chunk: Buffer) => {
      for (const item of this.framer.push(chunk)) if (!(item instanceof FrameError)) this.received.push(item)
    })
    stream.on('close', () => {
      this.closed = true
    })
    stream.on('end', () => {
      this.closed = true
    })
    stream.on('error', () => {})
  }

  send(pdu: Pdu | Buffer): void {
    this.stream.write(Buffer.isBuffer(pdu) ? pdu : encode(pdu))
  }

  /** The next PDU not yet taken, waiting in real time (the node's timers may run on a fake clock). */
  async next(timeoutMs = 3_000): Promise<Pdu> {
    const end = Date.now() + timeoutMs
    while (this.read >= this.received.length) {
      if (Date.now() > end) throw new Error('no PDU arrived')
      await new Promise((r) => setTimeout(r, 2))
    }
    return this.received[this.read++]
  }

  /** True when nothing new arrived within a short real-time wait. */
  async quiet(ms = 50): Promise<boolean> {
    await new Promise((r) => setTimeout(r, ms))
    return this.read >= this.received.length
  }
}
