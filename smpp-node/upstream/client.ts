import type net from 'node:net'
import { responseIdOf } from '../../lib/smpp/codec'
import { type BindBody, bodyOf, CommandId, type DataSm, type DeliverSm, type Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import type { Clock } from '../session/clock'
import { LinkClosed, type LinkOwner, SmppLink } from '../session/link'
import { connect } from './connect'

export { LinkClosed, ResponseTimeout } from '../session/link'

/**
 * One ESME bind towards an upstream SMSC over the same session engine as our server's sessions
 * (session/link.ts: correlator, response timers, writer with backpressure, frame errors): connect, bind,
 * enquire_link both ways, deliver_sm handed to the owner, and unbind on stop. Knows nothing of queues or
 * messages (bind-group.ts and pool.ts do).
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
  /** The body of a deliver_sm or data_sm (section 4.7.1: the receipt may come in either). */
  onDeliver(body: DeliverSm | DataSm): Promise<number>
  clock: Clock
}

/** The SMSC refused the bind. */
export class BindRefused extends Error {
  constructor(readonly status: number) {
    super(`bind refused with command_status 0x${status.toString(16)}`)
  }
}

// What an ESME answers when the SMSC asks (SMPP 3.4 section 2.3): anything else gets generic_nack.
const Handled: ReadonlySet<number> = new Set([CommandId.EnquireLink, CommandId.Unbind, CommandId.DeliverSm, CommandId.DataSm])

export class SmppClient implements LinkOwner {
  private readonly link: SmppLink
  private bound = false
  private closedWith: Error | undefined
  private readonly closeListeners: Array<(err: Error) => void> = []

  private constructor(
    socket: net.Socket,
    private readonly opts: ClientOptions,
  ) {
    const { clock, responseTimeoutMs, enquireLinkIntervalMs } = opts
    this.link = new SmppLink(socket, this, { clock, responseTimeoutMs, idleMs: enquireLinkIntervalMs })
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
    client.bound = true
    return client
  }

  get inFlight(): number {
    return this.link.inFlight
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
    return this.link.request(commandId, body)
  }

  /** unbind, wait for unbind_resp (bounded by the response timeout), close. */
  async unbind(): Promise<void> {
    if (this.closedWith) return
    await this.request(CommandId.Unbind, {}).catch(() => undefined)
    this.close(new LinkClosed('unbound'))
  }

  /** Closes the socket without unbind; idempotent. Returns the reason, for `throw client.close(err)`. */
  close(reason: Error): Error {
    this.link.close(reason)
    return reason
  }

  onClosed(reason: Error): void {
    if (this.closedWith) return
    this.closedWith = reason
    for (const listener of this.closeListeners.splice(0)) listener(reason)
  }

  knows(commandId: number): boolean {
    return Handled.has(commandId)
  }

  // The caller's request rejects with ResponseTimeout; for submit_sm that is the caller's to judge.
  onResponseTimeout(): void {}

  // enquire_link when the link has been idle for the interval; an unanswered one means the link is dead.
  onIdle(): void {
    if (!this.bound) return
    this.request(CommandId.EnquireLink, {}).catch((err: Error) => this.close(new LinkClosed(`enquire_link failed: ${err.message}`)))
  }

  onRequest(pdu: Pdu): void {
    switch (pdu.commandId) {
      case CommandId.EnquireLink:
        this.link.respond(pdu, Status.Ok)
        return
      case CommandId.Unbind:
        // SMPP 3.4 4.2: answer, then the SMSC closes; we close too so the owner reconnects.
        this.link.respond(pdu, Status.Ok)
        this.close(new LinkClosed('unbound by the SMSC'))
        return
      case CommandId.DeliverSm:
      case CommandId.DataSm:
        void this.opts
          .onDeliver(bodyOf(pdu, CommandId.DeliverSm, CommandId.DataSm))
          .catch(() => Status.XTAppn)
          .then((status) =>
            this.link.send({ commandId: responseIdOf(pdu.commandId), status, sequence: pdu.sequence, body: { messageId: '' } }),
          )
        return
      default:
        // An unknown command_id gets generic_nack (SMPP 3.4 section 3.3).
        this.link.nack(pdu.sequence, Status.InvCmdId)
    }
  }
}
