import net from 'node:net'
import tls from 'node:tls'
import { encode, isResponse, responseIdOf } from '../../lib/smpp/codec'
import { FrameError, Framer } from '../../lib/smpp/framer'
import { type BindBody, CommandId, type DeliverSm, type Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import type { Clock, TimerHandle } from '../session/clock'

/**
 * One ESME bind towards an upstream SMSC over our codec: connect, bind, a window of outstanding
 * requests each with a response timeout, enquire_link both ways, deliver_sm handed to the owner, and
 * unbind on stop. Knows nothing of queues or messages (bind-group.ts and pool.ts do).
 */

export type BindCommand = typeof CommandId.BindTransmitter | typeof CommandId.BindReceiver | typeof CommandId.BindTransceiver

export interface ClientOptions {
  host: string
  port: number
  tls: boolean
  tlsRejectUnauthorized: boolean
  bind: { commandId: BindCommand } & Omit<BindBody, 'interfaceVersion' | 'addressRange'>
  responseTimeoutMs: number
  enquireLinkIntervalMs: number
  /** deliver_sm / data_sm from the SMSC: resolves to the deliver_sm_resp command_status. */
  onDeliver(pdu: Pdu<DeliverSm>): Promise<number>
  clock: Clock
}

/** The link is gone (closed by either side, or dead): every outstanding request fails with it. */
export class LinkClosed extends Error {}
/** No response within responseTimeoutMs; for submit_sm it is unknown whether the SMSC took the message. */
export class ResponseTimeout extends Error {}
/** The SMSC refused the bind. */
export class BindRefused extends Error {
  constructor(readonly status: number) {
    super(`bind refused with command_status 0x${status.toString(16)}`)
  }
}

interface Outstanding {
  resolve(pdu: Pdu): void
  reject(err: Error): void
  timer: TimerHandle
}

export class SmppClient {
  private readonly framer = new Framer()
  private readonly outstanding = new Map<number, Outstanding>()
  private sequence = 0
  private idleTimer: TimerHandle | undefined
  private closedWith: Error | undefined
  private readonly closeListeners: Array<(err: Error) => void> = []

  private constructor(
    private readonly socket: net.Socket,
    private readonly opts: ClientOptions,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', (err) => this.close(new LinkClosed(`socket error: ${err.message}`)))
    socket.on('close', () => this.close(new LinkClosed('connection closed')))
  }

  /** Connects and binds; rejects (and closes) when either fails or takes longer than the response timeout. */
  static async open(opts: ClientOptions): Promise<SmppClient> {
    const socket = await connect(opts)
    const client = new SmppClient(socket, opts)
    const { commandId, ...bind } = opts.bind
    const resp = await client
      .request(commandId, { ...bind, interfaceVersion: 0x34, addressRange: '' })
      .catch((err: Error) => Promise.reject(client.close(err)))
    if (resp.status !== Status.Ok) throw client.close(new BindRefused(resp.status))
    client.armIdleTimer()
    return client
  }

  get inFlight(): number {
    return this.outstanding.size
  }

  get closed(): boolean {
    return this.closedWith !== undefined
  }

  onClose(listener: (err: Error) => void): void {
    if (this.closedWith) listener(this.closedWith)
    else this.closeListeners.push(listener)
  }

  /** Sends a request and resolves with its response (any command_status); rejects with LinkClosed or ResponseTimeout. */
  request(commandId: number, body: object): Promise<Pdu> {
    if (this.closedWith) return Promise.reject(this.closedWith)
    this.sequence = this.sequence >= 0x7fffffff ? 1 : this.sequence + 1 // sequence_number 0x00000001..0x7FFFFFFF (SMPP 3.4 3.2)
    const sequence = this.sequence
    return new Promise<Pdu>((resolve, reject) => {
      const timer = this.opts.clock.setTimeout(() => {
        this.outstanding.delete(sequence)
        reject(new ResponseTimeout(`no response to 0x${commandId.toString(16)} #${sequence} in ${this.opts.responseTimeoutMs} ms`))
      }, this.opts.responseTimeoutMs)
      this.outstanding.set(sequence, { resolve, reject, timer })
      this.write({ commandId, status: Status.Ok, sequence, body: body as Record<string, unknown> })
    })
  }

  /** unbind, wait for unbind_resp (bounded by the response timeout), close. */
  async unbind(): Promise<void> {
    if (this.closedWith) return
    await this.request(CommandId.Unbind, {}).catch(() => undefined)
    this.close(new LinkClosed('unbound'))
  }

  /** Closes the socket without unbind; idempotent. Returns the reason, for `throw client.close(err)`. */
  close(reason: Error): Error {
    if (this.closedWith) return reason
    this.closedWith = reason
    this.opts.clock.clearTimeout(this.idleTimer)
    this.socket.destroy()
    for (const [, o] of this.outstanding) {
      this.opts.clock.clearTimeout(o.timer)
      o.reject(reason)
    }
    this.outstanding.clear()
    for (const listener of this.closeListeners.splice(0)) listener(reason)
    return reason
  }

  private write(pdu: Pdu): void {
    if (!this.closedWith) this.socket.write(encode(pdu))
  }

  // enquire_link when the link has been idle for the interval; an unanswered one means the link is dead.
  private armIdleTimer(): void {
    this.opts.clock.clearTimeout(this.idleTimer)
    if (this.closedWith) return
    this.idleTimer = this.opts.clock.setTimeout(() => {
      this.request(CommandId.EnquireLink, {}).catch((err: Error) => this.close(new LinkClosed(`enquire_link failed: ${err.message}`)))
    }, this.opts.enquireLinkIntervalMs)
  }

  private onData(chunk: Buffer): void {
    this.armIdleTimer()
    for (const item of this.framer.push(chunk)) {
      if (item instanceof FrameError) this.onFrameError(item)
      else if (isResponse(item.commandId)) this.onResponse(item)
      else void this.onRequest(item)
    }
  }

  private onFrameError(err: FrameError): void {
    if (err.fatal) {
      this.write({ commandId: CommandId.GenericNack, status: err.status, sequence: err.sequence, body: {} })
      this.close(new LinkClosed(`unframeable input: ${err.message}`))
      return
    }
    // A response we cannot decode still answers its request, as a failure of it.
    const pending = isResponse(err.commandId) ? this.outstanding.get(err.sequence) : undefined
    if (pending) this.onResponse({ commandId: err.commandId, status: err.status || Status.SysErr, sequence: err.sequence, body: {} })
    else if (!isResponse(err.commandId)) this.answer(err.commandId, err.sequence, err.status)
  }

  private onResponse(pdu: Pdu): void {
    const pending = this.outstanding.get(pdu.sequence)
    if (!pending) return // late (already timed out) or unsolicited: nothing waits for it
    this.outstanding.delete(pdu.sequence)
    this.opts.clock.clearTimeout(pending.timer)
    pending.resolve(pdu)
  }

  private async onRequest(pdu: Pdu): Promise<void> {
    switch (pdu.commandId) {
      case CommandId.EnquireLink:
        return this.answer(pdu.commandId, pdu.sequence, Status.Ok)
      case CommandId.Unbind:
        // SMPP 3.4 4.2: answer, then the SMSC closes; we close too so the owner reconnects.
        this.answer(pdu.commandId, pdu.sequence, Status.Ok)
        this.close(new LinkClosed('unbound by the SMSC'))
        return
      case CommandId.DeliverSm:
      case CommandId.DataSm: {
        const status = await this.opts.onDeliver(pdu as unknown as Pdu<DeliverSm>).catch(() => Status.XTAppn)
        return this.write({ commandId: responseIdOf(pdu.commandId), status, sequence: pdu.sequence, body: { messageId: '' } })
      }
      default:
        return this.answer(pdu.commandId, pdu.sequence, Status.InvCmdId)
    }
  }

  private answer(commandId: number, sequence: number, status: number): void {
    // An unknown command_id gets generic_nack; a known one its own _resp (SMPP 3.4 3.3).
    const id = status === Status.InvCmdId ? CommandId.GenericNack : responseIdOf(commandId)
    this.write({ commandId: id, status, sequence, body: {} })
  }
}

function connect(opts: ClientOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = opts.tls
      ? tls.connect({ host: opts.host, port: opts.port, rejectUnauthorized: opts.tlsRejectUnauthorized, servername: opts.host })
      : net.connect({ host: opts.host, port: opts.port })
    const timer = opts.clock.setTimeout(
      () => fail(new LinkClosed(`connect to ${opts.host}:${opts.port} timed out`)),
      opts.responseTimeoutMs,
    )
    const fail = (err: Error) => {
      opts.clock.clearTimeout(timer)
      socket.destroy()
      reject(err instanceof LinkClosed ? err : new LinkClosed(`connect to ${opts.host}:${opts.port}: ${err.message}`))
    }
    socket.once('error', fail)
    socket.once(opts.tls ? 'secureConnect' : 'connect', () => {
      opts.clock.clearTimeout(timer)
      socket.off('error', fail)
      socket.setNoDelay(true)
      resolve(socket)
    })
  })
}
