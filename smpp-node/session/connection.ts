import { randomBytes } from 'node:crypto'
import type { Duplex } from 'node:stream'
import { statusOf } from '../../lib/domain/errors'
import type { Account, BindType } from '../../lib/domain/model'
import { canReceive } from '../../lib/domain/sessions'
import { commandName, encode, isResponse, responseIdOf } from '../../lib/smpp/codec'
import { FrameError, Framer } from '../../lib/smpp/framer'
import { CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status, type StatusCode } from '../../lib/smpp/status'
import { type Command, commands } from '../commands'
import type { NodeContext } from '../node/context'
import type { TimerHandle } from './clock'
import { Window } from './window'
import { PduWriter } from './writer'

export type ConnState = 'open' | 'bound' | 'unbinding' | 'closed'

export interface Remote {
  address: string
  port: number
}

interface Outstanding {
  resolve(pdu: Pdu): void
  reject(err: Error): void
  timer: TimerHandle
}

export class ConnectionClosed extends Error {
  constructor(reason: string) {
    super(`connection closed: ${reason}`)
    this.name = 'ConnectionClosed'
  }
}

/**
 * One SMPP session over any duplex stream (a TCP or TLS socket, or an in-memory pair in tests): framing,
 * bind state (SMPP 3.4 section 2.2), the window, the timers, and the requests the node sends itself.
 * Commands (commands/) decide what each PDU means; the connection enforces who may send what and when.
 */
export class Connection {
  readonly id = randomBytes(6).toString('hex')
  state: ConnState = 'open'
  bindType?: BindType
  account?: Account
  readonly window: Window
  /** Resolves once the stream is closed and the session cleaned up. */
  readonly closed: Promise<void>
  private readonly framer: Framer
  private readonly writer: PduWriter
  private readonly outstanding = new Map<number, Outstanding>()
  private seq = 0
  private lastRx: number
  private bindTimer?: TimerHandle
  private idleTimer?: TimerHandle
  private markClosed!: () => void
  private closeReason = 'peer closed'

  constructor(
    private readonly stream: Duplex,
    readonly node: NodeContext,
    readonly remote: Remote,
  ) {
    const smpp = node.settings.smpp
    this.window = new Window(smpp.windowSize)
    this.framer = new Framer({ maxLength: smpp.maxPduLength })
    this.writer = new PduWriter(stream, (full) => (full ? stream.pause() : stream.resume()))
    this.lastRx = node.clock.now()
    this.closed = new Promise((resolve) => {
      this.markClosed = resolve
    })
  }

  get accountId(): string | undefined {
    return this.account?.accountId
  }

  /** Receivers and transceivers get deliver_sm (SMPP 3.4 section 2.2). */
  get canReceive(): boolean {
    return this.state === 'bound' && this.bindType !== undefined && canReceive(this.bindType)
  }

  start(): void {
    const { clock, settings } = this.node
    this.stream.on('data', (chunk: Buffer) => this.onData(chunk))
    this.stream.on('error', (err) => {
      this.closeReason = err.message
    })
    this.stream.on('close', () => this.cleanup())
    if (settings.smpp.bindTimeoutMs > 0) {
      // A connection that never binds holds a socket and a slot for nothing (DESIGN.md: 10 s to bind).
      this.bindTimer = clock.setTimeout(() => {
        if (this.state === 'open') this.close('no bind within the bind timeout')
      }, settings.smpp.bindTimeoutMs)
    }
    this.armIdle(settings.smpp.enquireLinkIntervalMs)
    this.stream.resume()
  }

  /** Called by the bind command once the account is verified, before the bind_resp goes out. */
  markBound(account: Account, bindType: BindType): void {
    this.state = 'bound'
    this.account = account
    this.bindType = bindType
    this.node.clock.clearTimeout(this.bindTimer)
  }

  private onData(chunk: Buffer): void {
    this.lastRx = this.node.clock.now()
    let items: ReturnType<Framer['push']>
    try {
      items = this.framer.push(chunk)
    } catch (err) {
      // The framer promises not to throw; if it ever does, the peer still gets an answer.
      items = [new FrameError(Status.SysErr, 0, 0, true, String(err))]
    }
    for (const item of items) {
      if (item instanceof FrameError) this.onFrameError(item)
      else this.dispatch(item)
    }
  }

  private onFrameError(e: FrameError): void {
    this.node.log.warn('bad frame', { conn: this.id, status: e.status, command: commandName(e.commandId), why: e.message })
    this.node.metrics.pdu('in', e.commandId, e.status)
    if (e.fatal) {
      // command_length unusable: the stream cannot be re-synchronised, so nack and close (STYLE.md, errors).
      this.send({ commandId: CommandId.GenericNack, status: e.status, sequence: e.sequence, body: {} })
      void this.end('unframeable input')
      return
    }
    if (isResponse(e.commandId)) {
      this.onResponse({ commandId: e.commandId, status: e.status || Status.SysErr, sequence: e.sequence, body: {} })
      return
    }
    const known = commands.has(e.commandId)
    this.send({ commandId: known ? responseIdOf(e.commandId) : CommandId.GenericNack, status: e.status, sequence: e.sequence, body: {} })
  }

  private dispatch(pdu: Pdu): void {
    this.node.metrics.pdu('in', pdu.commandId, pdu.status)
    if (isResponse(pdu.commandId)) {
      this.onResponse(pdu)
      return
    }
    const command = commands.get(pdu.commandId)
    if (command === undefined) {
      // SMPP 3.4 section 3.3: generic_nack answers a command_id the SMSC does not support.
      this.send({ commandId: CommandId.GenericNack, status: Status.InvCmdId, sequence: pdu.sequence, body: {} })
    } else if (!this.window.tryAcquire()) {
      this.answer(pdu, Status.MsgQFul)
    } else {
      const refusal = this.stateRefusal(command.needs)
      if (refusal !== Status.Ok) this.reply(pdu, refusal)
      else this.run(command, pdu)
    }
  }

  private run(command: Command, pdu: Pdu): void {
    try {
      const running = command.run(this, pdu)
      if (running) running.catch((err) => this.fail(pdu, err))
    } catch (err) {
      this.fail(pdu, err)
    }
  }

  /** Section 2.2: binds only in the open state, everything else only when bound, submits not on a receiver. */
  private stateRefusal(needs: 'open' | 'any' | 'bound' | 'transmit'): StatusCode {
    if (needs === 'any') return Status.Ok
    if (needs === 'open') return this.state === 'open' ? Status.Ok : Status.AlyBnd
    if (this.state !== 'bound') return Status.InvBndSts
    if (needs === 'transmit' && this.bindType === 'receiver') return Status.InvBndSts
    return Status.Ok
  }

  /** Every handler path ends here on error: the peer gets the error's status (SysErr for the unexpected). */
  fail(req: Pdu, err: unknown): void {
    const status = statusOf(err)
    if (status === Status.SysErr) this.node.log.error('command failed', { conn: this.id, command: commandName(req.commandId), err })
    this.reply(req, status)
  }

  /** Answers a request counted in the window, and frees its slot. */
  reply(req: Pdu, status: StatusCode, body: object = {}): void {
    this.answer(req, status, body)
    this.window.release()
  }

  // Section 4.4.2 and its siblings: a response with a non-zero command_status carries no body.
  private answer(req: Pdu, status: StatusCode, body: object = {}): void {
    this.send({
      commandId: responseIdOf(req.commandId),
      status,
      sequence: req.sequence,
      body: (status === Status.Ok ? body : {}) as Record<string, unknown>,
    })
  }

  private send(pdu: Pdu): void {
    if (!this.writer.writable) return
    let bytes: Buffer
    try {
      bytes = encode(pdu)
    } catch (err) {
      this.node.log.error('cannot encode', { conn: this.id, command: commandName(pdu.commandId), err })
      pdu = { ...pdu, status: Status.SysErr, body: {} }
      bytes = encode(pdu)
    }
    this.node.metrics.pdu('out', pdu.commandId, pdu.status)
    this.writer.write(bytes)
  }

  /**
   * Sends a request of the node's own (deliver_sm, enquire_link, unbind) and resolves with the response,
   * whatever its status. A peer that leaves it unanswered for the response timeout is disconnected
   * without unbind: it is treated as dead (DESIGN.md).
   */
  request(commandId: number, body: object = {}): Promise<Pdu> {
    if (this.state === 'closed' || !this.writer.writable) return Promise.reject(new ConnectionClosed(this.closeReason))
    this.seq = this.seq >= 0x7fffffff ? 1 : this.seq + 1
    const sequence = this.seq
    return new Promise<Pdu>((resolve, reject) => {
      const timeoutMs = this.node.settings.smpp.responseTimeoutMs
      const timer = this.node.clock.setTimeout(() => {
        this.node.log.warn('peer left a request unanswered', { conn: this.id, command: commandName(commandId), timeoutMs })
        this.close(`no ${commandName(commandId)}_resp within ${timeoutMs} ms`)
      }, timeoutMs)
      this.outstanding.set(sequence, { resolve, reject, timer })
      this.send({ commandId, status: Status.Ok, sequence, body: body as Record<string, unknown> })
    })
  }

  private onResponse(pdu: Pdu): void {
    const waiting = this.outstanding.get(pdu.sequence)
    if (waiting === undefined) {
      if (pdu.commandId !== CommandId.GenericNack) this.node.log.warn('response to nothing', { conn: this.id, sequence: pdu.sequence })
      return
    }
    this.outstanding.delete(pdu.sequence)
    this.node.clock.clearTimeout(waiting.timer)
    waiting.resolve(pdu)
  }

  get pendingRequests(): number {
    return this.outstanding.size
  }

  private armIdle(intervalMs: number): void {
    if (intervalMs <= 0) return
    const { clock } = this.node
    this.idleTimer = clock.setTimeout(() => {
      const idle = clock.now() - this.lastRx
      if (idle < intervalMs) return this.armIdle(intervalMs - idle)
      // Keep-alive from our side (SMPP 3.4 section 4.11), well inside the NLB's fixed 350 s idle timeout.
      if (this.state === 'bound') this.request(CommandId.EnquireLink).catch(() => {})
      this.armIdle(intervalMs)
    }, intervalMs)
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

  /** Flushes what is queued, then closes the stream gracefully. */
  async end(reason: string): Promise<void> {
    this.closeReason = reason
    if (this.state !== 'closed') this.state = 'unbinding'
    await this.writer.end()
    this.stream.destroy()
  }

  /** Closes at once, without unbind. */
  close(reason: string): void {
    this.closeReason = reason
    this.writer.flush()
    this.stream.destroy()
  }

  private cleanup(): void {
    if (this.state === 'closed') return
    const { clock, log } = this.node
    this.state = 'closed'
    clock.clearTimeout(this.bindTimer)
    clock.clearTimeout(this.idleTimer)
    for (const o of this.outstanding.values()) {
      clock.clearTimeout(o.timer)
      o.reject(new ConnectionClosed(this.closeReason))
    }
    this.outstanding.clear()
    log.info('connection closed', { conn: this.id, account: this.accountId, reason: this.closeReason })
    this.node.sessionClosed(this)
    this.markClosed()
  }
}
