import { randomBytes } from 'node:crypto'
import type { Duplex } from 'node:stream'
import type { Log, QueueConsumer, QueueSender, Stores } from '../../lib/ports'
import { AnswerLog } from '../bridge/answer-log'
import { CallbackConsumer } from '../bridge/callback-consumer'
import { ClaimMarginMs, type DeliveryDeps } from '../bridge/delivery'
import { redrainPending } from '../bridge/pending-drain'
import { PendingRemovals } from '../bridge/pending-removals'
import { VerdictBook } from '../bridge/verdicts'
import { InFlight } from '../edge/in-flight'
import { Throttles } from '../edge/throttle'
import { UnboundSlots } from '../edge/unbound-slots'
import { WindowGrants } from '../edge/window-grants'
import type { Clock } from '../session/clock'
import { Connection, type Remote } from '../session/connection'
import { nodeCommands } from './command-wiring'
import { CompatObserver } from './compat-observer'
import { drainNode } from './drain'
import { NodeLiveness } from './liveness'
import { silentLog } from './log'
import { MessageIds } from './message-ids'
import { Metrics } from './metrics'
import { BoundSessions } from './registry'
import type { NodeSettings } from './settings'

export interface NodeDeps {
  settings: NodeSettings
  stores: Stores
  queues: QueueSender & QueueConsumer
  clock: Clock
  log?: Log
  /** Folded into message ids so that a restarted node never reuses its predecessor's; random by default. */
  nonce?: string
}

/**
 * The SMPP node without its listeners: it builds the rooms and hands each only what it uses: sessions
 * (session/) get the command table (commands/), commands get their services, the bridge (bridge/) the
 * queues and stores; the registry (registry.ts) and the drain (drain.ts) are its own. main.ts wires it to
 * sockets and AWS; tests run it in-process with memory stores and hand it sockets or in-memory streams.
 */
export class SmppNode {
  readonly settings: NodeSettings
  readonly clock: Clock
  readonly log: Log
  readonly metrics = new Metrics()
  private readonly unbound: UnboundSlots
  readonly throttles = new Throttles()
  readonly windows: WindowGrants
  readonly inFlight = new InFlight()
  private readonly ids: MessageIds
  readonly verdicts: VerdictBook
  private readonly consumer: CallbackConsumer
  private readonly sessions: BoundSessions
  private readonly delivery: DeliveryDeps
  private readonly connections = new Set<Connection>()
  /** What each ESME session does, for the compatibility report (issue 19). */
  readonly compat: CompatObserver
  private readonly onStream: (stream: Duplex, remote: Remote) => Connection
  private draining$ = false
  /** This process: node id and nonce (issue 18), in its jobs, its pending claims and the node registry. */
  readonly incarnation: string
  private readonly liveness: NodeLiveness

  constructor(deps: NodeDeps) {
    const s = deps.settings
    const { stores, queues, clock } = deps
    const log = deps.log ?? silentLog
    const metrics = this.metrics
    this.settings = s
    this.clock = clock
    this.log = log
    const nonce = deps.nonce ?? randomBytes(4).toString('hex')
    this.windows = new WindowGrants(stores.quotas)
    this.ids = new MessageIds(s.nodeId, nonce, () => clock.now(), stores.quotas)
    this.incarnation = `${s.nodeId}#${nonce}`
    const answers = new AnswerLog() // issue 18: what this process answered, in its registry entry
    this.liveness = new NodeLiveness({
      nodes: stores.nodes,
      nodeId: s.nodeId,
      incarnation: this.incarnation,
      callbackQueueUrl: s.callbackQueueUrl,
      beatMs: s.livenessMs ?? 2_000,
      clock,
      log,
      answers,
    })
    this.verdicts = new VerdictBook({ clock, log, metrics, ledger: stores.ledger, retentionDays: s.retentionDays, answers })
    const claimMs = s.smpp.responseTimeoutMs + ClaimMarginMs
    const liveness = this.liveness
    const delivery: DeliveryDeps = {
      pending: stores.pending,
      clock,
      metrics,
      nodeId: this.incarnation,
      claimMs,
      deadClaimants: () => liveness.deadClaimants(),
      removals: new PendingRemovals(stores.pending),
    }
    this.delivery = delivery
    this.sessions = new BoundSessions({
      ...s,
      incarnation: this.incarnation, // in each registry entry: the DLR function stores receipts claimed for it (issue 12)
      accounts: stores.accounts,
      sessions: stores.sessions,
      throttles: this.throttles,
      windows: this.windows,
      clock,
      log,
      redrain: (c) => {
        redrainPending(delivery, c, c.accountId!).catch((err) => log.error('pending re-drain failed', { conn: c.id, err }))
      },
    })
    this.unbound = new UnboundSlots(s.smpp.unboundPerAddress)
    this.consumer = new CallbackConsumer({
      queues,
      queueUrl: s.callbackQueueUrl,
      waitSec: s.callbackWaitSec,
      pollers: s.callbackPollers,
      responseTimeoutMs: s.smpp.responseTimeoutMs,
      log,
      clock,
      verdicts: this.verdicts,
      delivery: this.delivery,
      pickReceiver: (accountId) => this.sessions.pickReceiver(accountId),
    })
    const commands = nodeCommands({
      settings: s,
      stores,
      queues,
      clock,
      log,
      metrics,
      throttles: this.throttles,
      verdicts: this.verdicts,
      isDraining: () => this.draining$,
      boundHere: (accountId) => this.sessions.of(accountId).length,
      // The sessions commands run on are this node's own connections (accept below).
      bound: (session) => this.bound(session as Connection),
      windows: this.windows,
      inFlight: this.inFlight,
      nextMessageId: (account) => this.ids.next(account),
      incarnation: this.incarnation,
    })
    this.compat = new CompatObserver({
      store: stores.compat,
      clock,
      log,
      nodeId: s.nodeId,
      windowSize: s.smpp.windowSize,
      responseTimeoutMs: s.smpp.responseTimeoutMs,
      flushMs: s.smpp.compatFlushMs ?? 10_000,
    })
    const watch = this.compat
    const sessionDeps = { smpp: s.smpp, clock, log, metrics, commands, watch, closed: (c: Connection) => this.closed(c) }
    this.onStream = (stream, remote) => new Connection(stream, sessionDeps, remote)
  }

  get draining(): boolean {
    return this.draining$
  }

  /**
   * Starts the callback consumer and the registry heartbeat; resolves once this process is in the node
   * registry and its predecessors are marked dead, so a client that rebinds after a crash finds them dead.
   */
  start(): Promise<void> {
    this.consumer.start()
    this.sessions.startHeartbeat()
    this.compat.start()
    return this.liveness.start()
  }

  /** Takes over a connected stream (after any PROXY header): the real client address comes from the caller. */
  accept(stream: Duplex, remote: Remote): Connection {
    const conn = this.onStream(stream, remote)
    // Issue 13, item 6: unbound connections per address are capped before any byte is read.
    const admitted = this.unbound.take(conn, remote.address)
    this.connections.add(conn)
    this.metrics.count('connections')
    conn.start()
    if (!admitted) {
      this.metrics.count('connectionsRefused')
      conn.close('too many unbound connections from this address')
    }
    return conn
  }

  /** After a successful bind_resp: register in the registry, re-share the speed, drain pending deliveries. */
  private bound(conn: Connection): void {
    this.unbound.release(conn)
    this.sessions.add(conn)
    if (conn.bindType !== 'receiver')
      this.ids.warm(conn.account!).catch((err) => this.log.warn('message id block not taken', { conn: conn.id, err }))
    if (conn.canReceive) {
      redrainPending(this.delivery, conn, conn.accountId!).catch((err) => this.log.error('pending drain failed', { conn: conn.id, err }))
    }
  }

  private closed(conn: Connection): void {
    this.unbound.release(conn)
    this.connections.delete(conn)
    this.sessions.remove(conn)
  }

  /** Bound sessions on this node by bind type, for health and metrics. */
  sessionCounts(): Record<string, number> {
    const counts: Record<string, number> = { transmitter: 0, receiver: 0, transceiver: 0, unbound: 0 }
    for (const c of this.connections) counts[c.state === 'bound' || c.state === 'unbinding' ? (c.bindType ?? 'unbound') : 'unbound']++
    return counts
  }

  get connectionCount(): number {
    return this.connections.size
  }

  /** Graceful stop (SIGTERM), drain.ts. The caller has stopped the listeners first. */
  async drain(): Promise<void> {
    if (this.draining$) return
    this.draining$ = true
    const { connections, sessions, consumer, verdicts, clock, log } = this
    await drainNode({ connections, sessions, consumer, verdicts, clock, log, drainTimeoutMs: this.settings.smpp.drainTimeoutMs })
    await this.compat.stop().catch((err) => log.warn('compat: last flush failed', { err }))
    // Submits still unanswered can now be adopted when their clients re-send them elsewhere (issue 18).
    await this.liveness.retire()
  }

  /** Stops without draining (tests' teardown). */
  async close(): Promise<void> {
    this.draining$ = true
    this.sessions.stopHeartbeat()
    this.liveness.stop()
    for (const c of this.connections) c.close('node closed')
    await this.sessions.settled()
    await this.consumer.stop()
    await this.compat.stop().catch(() => {})
  }

  health() {
    return {
      status: this.draining ? 'draining' : 'ok',
      nodeId: this.settings.nodeId,
      sessions: this.sessionCounts(),
      connections: this.connections.size,
      verdictsWaiting: this.verdicts.size,
      // Issue 18: the last answer record in the node registry (a fault test waits on it, not on a sleep).
      answerRecord: this.liveness.lastAnswerRecord(),
    }
  }
}
