import type { Duplex } from 'node:stream'
import { commandName, encode, isResponse, responseIdOf } from '../../lib/smpp/codec'
import { FrameError, Framer } from '../../lib/smpp/framer'
import { CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import { Correlator } from './correlator'
import { KeepAlive } from './keep-alive'
import { LinkClosed, type LinkOptions, type LinkOwner, ResponseTimeout } from './link-owner'
import { PduWriter } from './writer'

export { LinkClosed, type LinkOptions, type LinkOwner, ResponseTimeout } from './link-owner'

/**
 * The one SMPP session engine, for both directions: framing, the request correlator (sequence numbers,
 * outstanding requests, a response timer each), the writer with backpressure, frame errors and the
 * keep-alive timer. It knows no bind state and no command's meaning: its owner does.
 */
export class SmppLink {
  private readonly framer: Framer
  private readonly writer: PduWriter
  private readonly requests: Correlator
  private readonly keepAlive: KeepAlive
  private closedWith?: Error
  private reason?: Error

  constructor(
    private readonly stream: Duplex,
    private readonly owner: LinkOwner,
    private readonly opts: LinkOptions,
  ) {
    this.framer = new Framer({ maxLength: opts.maxPduLength })
    // A peer that does not read what we write stops being read (the writer's backpressure), so it cannot make us buffer without bound.
    this.writer = new PduWriter(stream, (full) => (full ? stream.pause() : stream.resume()))
    this.requests = new Correlator(opts.clock)
    stream.on('data', (chunk: Buffer) => this.onData(chunk))
    stream.on('error', (err) => {
      this.reason ??= new LinkClosed(err.message)
    })
    stream.on('close', () => this.finish(this.reason ?? new LinkClosed('peer closed')))
    this.keepAlive = new KeepAlive(opts.clock, opts.idleMs, () => owner.onIdle())
  }

  get writable(): boolean {
    return this.closedWith === undefined && this.writer.writable
  }

  get inFlight(): number {
    return this.requests.size
  }

  /**
   * Sends a request and resolves with its response, whatever its command_status; rejects with ResponseTimeout
   * or with the reason the link closed.
   */
  request(commandId: number, body: object = {}): Promise<Pdu> {
    if (!this.writable) return Promise.reject(this.closedWith ?? new LinkClosed('link closed'))
    const { responseTimeoutMs } = this.opts
    const timedOut = (sequence: number) => {
      // The owner hears first: our server closes the link (a dead peer), the carrier client leaves it to the caller.
      this.owner.onResponseTimeout(commandId, responseTimeoutMs)
      return new ResponseTimeout(`no ${commandName(commandId)}_resp #${sequence} within ${responseTimeoutMs} ms`)
    }
    return this.requests.expect(responseTimeoutMs, timedOut, (sequence) =>
      this.send({ commandId, status: Status.Ok, sequence, body: body as Record<string, unknown> }),
    )
  }

  /** Answers a request; section 4.4.2 and its siblings: a response with a non-zero command_status carries no body. */
  respond(req: { commandId: number; sequence: number }, status: number, body: object = {}): void {
    const b = (status === Status.Ok ? body : {}) as Record<string, unknown>
    this.send({ commandId: responseIdOf(req.commandId), status, sequence: req.sequence, body: b })
  }

  nack(sequence: number, status: number): void {
    this.send({ commandId: CommandId.GenericNack, status, sequence, body: {} })
  }

  send(pdu: Pdu): void {
    if (!this.writable) return
    let bytes: Buffer
    try {
      bytes = encode(pdu)
    } catch (err) {
      this.owner.onEncodeError?.(pdu, err)
      pdu = { ...pdu, status: Status.SysErr, body: {} }
      bytes = encode(pdu)
    }
    this.owner.observe?.('out', pdu.commandId, pdu.status, pdu)
    this.writer.write(bytes)
  }

  get closed(): boolean {
    return this.closedWith !== undefined
  }

  /** Flushes what is queued, then ends the stream gracefully. */
  async end(reason: Error): Promise<void> {
    this.reason = reason
    await this.writer.end()
    this.stream.destroy()
  }

  /** Closes at once, flushing what is queued; every outstanding request rejects with `reason`. Idempotent. */
  close(reason: Error): void {
    if (this.closedWith === undefined) this.reason = reason
    this.writer.flush()
    this.stream.destroy()
    this.finish(this.reason ?? reason)
  }

  private finish(reason: Error): void {
    if (this.closedWith !== undefined) return
    this.closedWith = reason
    this.keepAlive.stop()
    this.requests.failAll(reason)
    this.owner.onClosed(reason)
  }

  private onData(chunk: Buffer): void {
    this.keepAlive.touch()
    let items: ReturnType<Framer['push']>
    try {
      items = this.framer.push(chunk)
    } catch (err) {
      // The framer promises not to throw; if it ever does, the peer still gets an answer.
      items = [new FrameError(Status.SysErr, 0, 0, true, String(err))]
    }
    for (const item of items) {
      if (item instanceof FrameError) this.onFrameError(item)
      else {
        this.owner.observe?.('in', item.commandId, item.status, item)
        if (isResponse(item.commandId)) this.onResponse(item)
        else this.owner.onRequest(item)
      }
    }
  }

  private onFrameError(e: FrameError): void {
    this.owner.onBadFrame?.(e)
    this.owner.observe?.('in', e.commandId, e.status)
    if (e.fatal) {
      // command_length unusable: the stream cannot be re-synchronised, so nack and close (docs/STYLE.md, errors).
      this.nack(e.sequence, e.status)
      void this.end(new LinkClosed(`unframeable input: ${e.message}`))
      return
    }
    // A response we cannot decode still answers its request, as a failure of it.
    if (isResponse(e.commandId))
      this.onResponse({ commandId: e.commandId, status: e.status || Status.SysErr, sequence: e.sequence, body: {} })
    // SMPP 3.4 section 3.3: a command this side does not handle gets generic_nack, a known one its own _resp.
    else if (this.owner.knows(e.commandId)) this.respond(e, e.status)
    else this.nack(e.sequence, e.status)
  }

  private onResponse(pdu: Pdu): void {
    this.requests.settle(pdu) // false: late (already timed out) or unsolicited, nothing waits for it
  }
}
