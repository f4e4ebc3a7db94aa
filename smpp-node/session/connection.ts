import { randomBytes } from 'node:crypto'
import type { Duplex } from 'node:stream'
import type { Account, BindType } from '../../lib/domain/model'
import { canReceive } from '../../lib/domain/sessions'
import { commandName, responseIdOf } from '../../lib/smpp/codec'
import type { FrameError } from '../../lib/smpp/framer'
import { CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status, type StatusCode } from '../../lib/smpp/status'
import type { TimerHandle } from './clock'
import { runCommand } from './dispatch'
import { LinkClosed, type LinkOwner, SmppLink } from './link'
import type { Remote, Session, SessionDeps, SessionState } from './session'
import { Window } from './window'

export type { Remote, SessionDeps } from './session'

/**
 * One server session over any duplex stream (a TCP or TLS socket, or an in-memory pair in tests): bind
 * state (SMPP 3.4 section 2.2), the window and the bind timer, over the shared engine (link.ts). Commands
 * (commands/) decide what each PDU means; the session enforces who may send what and when.
 */
export class Connection implements Session, LinkOwner {
  readonly id = randomBytes(6).toString('hex')
  state: SessionState = 'open'
  bindType?: BindType
  account?: Account
  readonly window: Window
  /** Resolves once the stream is closed and the session cleaned up. */
  readonly closed: Promise<void>
  private readonly link: SmppLink
  private bindTimer?: TimerHandle
  private markClosed!: () => void

  constructor(
    private readonly stream: Duplex,
    private readonly deps: SessionDeps,
    readonly remote: Remote,
  ) {
    const { smpp, clock } = deps
    this.window = new Window(smpp.windowSize)
    this.link = new SmppLink(stream, this, {
      clock,
      responseTimeoutMs: smpp.responseTimeoutMs,
      idleMs: smpp.enquireLinkIntervalMs,
      maxPduLength: smpp.maxPduLength,
    })
    this.closed = new Promise((resolve) => {
      this.markClosed = resolve
    })
  }

  get accountId(): string | undefined {
    return this.account?.accountId
  }

  get canReceive(): boolean {
    return this.state === 'bound' && this.bindType !== undefined && canReceive(this.bindType)
  }

  get pendingRequests(): number {
    return this.link.inFlight
  }

  start(): void {
    const { bindTimeoutMs } = this.deps.smpp
    if (bindTimeoutMs > 0) {
      // A connection that never binds holds a socket and a slot for nothing (docs/DESIGN.md: 10 s to bind).
      this.bindTimer = this.deps.clock.setTimeout(() => {
        if (this.state === 'open') this.close('no bind within the bind timeout')
      }, bindTimeoutMs)
    }
    this.stream.resume()
  }

  markBound(account: Account, bindType: BindType): void {
    this.state = 'bound'
    this.account = account
    this.bindType = bindType
    this.deps.clock.clearTimeout(this.bindTimer)
  }

  knows(commandId: number): boolean {
    return this.deps.commands.has(commandId)
  }

  observe(direction: 'in' | 'out', commandId: number, status: number, pdu?: Pdu): void {
    this.deps.metrics.pdu(direction, commandId, status)
    this.deps.watch?.pdu(this, direction, commandId, status, pdu)
  }

  onBadFrame(e: FrameError): void {
    this.deps.log.warn('bad frame', { conn: this.id, status: e.status, command: commandName(e.commandId), why: e.message })
  }

  onEncodeError(pdu: Pdu, err: unknown): void {
    this.deps.log.error('cannot encode', { conn: this.id, command: commandName(pdu.commandId), err })
  }

  onRequest(pdu: Pdu): void {
    const command = this.deps.commands.get(pdu.commandId)
    // SMPP 3.4 section 3.3: generic_nack answers a command_id the SMSC does not support.
    if (command === undefined) this.link.nack(pdu.sequence, Status.InvCmdId)
    else if (!this.window.tryAcquire()) this.link.respond(pdu, Status.MsgQFul)
    else runCommand(this, command, pdu, this.deps.log)
  }

  reply(req: Pdu, status: StatusCode, body: object = {}): void {
    this.link.respond(req, status, body)
    this.window.release()
  }

  /**
   * Sends a request of the node's own (deliver_sm, enquire_link, unbind) and resolves with the response,
   * whatever its status. A peer that leaves it unanswered for the response timeout is disconnected
   * without unbind: it is treated as dead (docs/DESIGN.md).
   */
  request(commandId: number, body: object = {}): Promise<Pdu> {
    return this.link.request(commandId, body)
  }

  onResponseTimeout(commandId: number, timeoutMs: number): void {
    this.deps.log.warn('peer left a request unanswered', { conn: this.id, command: commandName(commandId), timeoutMs })
    this.deps.watch?.responseTimeout(this, commandId)
    this.close(`no ${commandName(responseIdOf(commandId))} within ${timeoutMs} ms`)
  }

  // Keep-alive from our side (SMPP 3.4 section 4.11), well inside the NLB's fixed 350 s idle timeout.
  onIdle(): void {
    if (this.state === 'bound') this.request(CommandId.EnquireLink).catch(() => {})
  }

  async beginUnbind(keep: number): Promise<void> {
    if (this.state !== 'closed') this.state = 'unbinding'
    await this.window.until(keep)
  }

  /** The node's own unbind (drain): no more requests are accepted, and the session ends once answered. */
  async unbind(): Promise<void> {
    if (this.state !== 'bound') return
    this.state = 'unbinding'
    try {
      await this.request(CommandId.Unbind)
    } catch {
      // Closed or timed out: either way the session is over.
    }
  }

  async end(reason: string): Promise<void> {
    if (this.state !== 'closed') this.state = 'unbinding'
    await this.link.end(new LinkClosed(reason))
  }

  /** Closes at once, without unbind. */
  close(reason: string): void {
    this.link.close(new LinkClosed(reason))
  }

  onClosed(reason: Error): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    this.deps.clock.clearTimeout(this.bindTimer)
    this.deps.log.info('connection closed', { conn: this.id, account: this.accountId, reason: reason.message })
    this.deps.closed(this)
    this.deps.watch?.closed(this)
    this.markClosed()
  }
}
