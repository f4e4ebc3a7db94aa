import type { SessionObservation } from '../../lib/domain/compat'
import type { CompatStore, Log } from '../../lib/ports'
import { CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import type { Clock, TimerHandle } from '../session/clock'
import type { Session, SessionWatch } from '../session/session'
import { CompatTally } from './compat-tally'

const BindIds: number[] = [CommandId.BindTransmitter, CommandId.BindReceiver, CommandId.BindTransceiver]
const BindRespIds: number[] = [CommandId.BindTransmitterResp, CommandId.BindReceiverResp, CommandId.BindTransceiverResp]

export interface ObserverDeps {
  store: CompatStore
  clock: Clock
  log: Log
  nodeId: string
  windowSize: number
  responseTimeoutMs: number
  /** How often the changed sessions are written, in one batch (rule 5: no write per PDU). */
  flushMs: number
}

/**
 * What this node sees of each bound ESME session (issue 19): a tally per session in memory, and every
 * `flushMs` one putSessions of the sessions that changed (BatchWriteItem, 25 a request). A session's tally
 * starts at its successful bind_resp; an ended session is written once more and forgotten.
 */
export class CompatObserver implements SessionWatch {
  private readonly tallies = new Map<string, CompatTally>()
  private readonly binds = new Map<string, Record<string, unknown>>()
  private readonly ended: CompatTally[] = []
  private timer?: TimerHandle
  private flushing: Promise<void> = Promise.resolve()

  constructor(private readonly deps: ObserverDeps) {}

  pdu(session: Session, direction: 'in' | 'out', commandId: number, status: number, pdu: Pdu | undefined): void {
    const now = this.deps.clock.now()
    if (direction === 'in' && pdu && BindIds.includes(commandId)) this.binds.set(session.id, pdu.body as Record<string, unknown>)
    else if (direction === 'out' && BindRespIds.includes(commandId)) this.bound(session, status, now)
    else this.tallies.get(session.id)?.pdu(direction, commandId, status, pdu, now)
  }

  responseTimeout(session: Session, commandId: number): void {
    this.tallies.get(session.id)?.responseTimeout(commandId)
  }

  closed(session: Session): void {
    this.binds.delete(session.id)
    const tally = this.tallies.get(session.id)
    if (!tally) return
    this.tallies.delete(session.id)
    tally.ended(this.deps.clock.now())
    this.ended.push(tally)
  }

  start(): void {
    this.timer = this.deps.clock.setTimeout(() => {
      void this.flush().finally(() => {
        if (this.timer) this.start()
      })
    }, this.deps.flushMs)
  }

  /** Stops the timer and writes what is left (drain, shutdown). */
  async stop(): Promise<void> {
    this.deps.clock.clearTimeout(this.timer)
    this.timer = undefined
    await this.flush()
  }

  /** Writes every session that changed since the last flush, in one putSessions; a failed write is retried next time. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const now = this.deps.clock.now()
      const ended = this.ended.splice(0)
      const batch: SessionObservation[] = [...this.tallies.values(), ...ended].filter((t) => t.dirty).map((t) => ({ ...t.snapshot(now) }))
      if (batch.length === 0) return
      try {
        await this.deps.store.putSessions(batch)
      } catch (err) {
        this.deps.log.warn('compat flush failed; retried at the next flush', { sessions: batch.length, err })
        for (const t of ended) t.dirty = true
        this.ended.push(...ended)
        for (const t of this.tallies.values()) t.dirty = true
      }
    })
    return this.flushing
  }

  private bound(session: Session, status: number, now: number): void {
    const bindBody = this.binds.get(session.id)
    this.binds.delete(session.id)
    if (status !== Status.Ok || !session.account || !session.bindType || !bindBody) return
    const { nodeId, windowSize, responseTimeoutMs } = this.deps
    const tally = new CompatTally({
      accountId: session.account.accountId,
      nodeId,
      sessionId: session.id,
      remoteAddress: session.remote.address,
      mode: session.bindType,
      bindBody,
      speed: session.account.speed,
      windowSize,
      responseTimeoutMs,
      at: now,
    })
    this.tallies.set(session.id, tally)
  }
}
