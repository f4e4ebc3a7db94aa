import { randomBytes } from 'node:crypto'
import type { Duplex } from 'node:stream'
import type { BindLimits } from '../../lib/domain/bind-limits'
import type { Log, QueueConsumer, QueueSender, Stores } from '../../lib/ports'
import { CallbackConsumer, type CallbackHost } from '../bridge/callback-consumer'
import { redrainPending } from '../bridge/pending-drain'
import { SubmitBatcher } from '../bridge/submit-batcher'
import { VerdictBook } from '../bridge/verdicts'
import { HashPool } from '../edge/hash-pool'
import { shareOf, Throttles } from '../edge/throttle'
import { UnboundSlots } from '../edge/unbound-slots'
import { type Clock, sleep, type TimerHandle } from '../session/clock'
import { Connection, type Remote } from '../session/connection'
import type { NodeSettings } from './context'
import { silentLog } from './log'
import { messageIdGenerator } from './message-id'
import { Metrics } from './metrics'

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
 * The SMPP node without its listeners: sessions, the verdict book, the callback consumer, the session
 * registry heartbeat and the drain. main.ts wires it to sockets and AWS; tests run it in-process with
 * memory stores and any QueueSender/QueueConsumer, and hand it sockets or in-memory streams via accept().
 */
export class SmppNode implements CallbackHost {
  readonly settings: NodeSettings
  readonly stores: Stores
  readonly queues: QueueSender & QueueConsumer
  readonly clock: Clock
  readonly log: Log
  readonly metrics = new Metrics()
  readonly bindLimits: BindLimits
  readonly hashes: HashPool
  private readonly unbound: UnboundSlots
  readonly throttles = new Throttles()
  readonly verdicts: VerdictBook
  readonly submits: SubmitBatcher
  readonly nextMessageId: () => string
  private readonly consumer: CallbackConsumer
  private readonly connections = new Set<Connection>()
  private readonly bound = new Map<string, Connection[]>()
  private readonly roundRobin = new Map<string, number>()
  private readonly draining$ = { on: false }
  private heartbeat?: TimerHandle
  // Registry writes still under way: the drain waits for them, so a stopped node leaves no stale entry.
  private readonly background = new Set<Promise<unknown>>()

  constructor(deps: NodeDeps) {
    this.settings = deps.settings
    this.stores = deps.stores
    this.queues = deps.queues
    this.clock = deps.clock
    this.log = deps.log ?? silentLog
    const s = deps.settings
    this.bindLimits = {
      perAddress: s.smpp.bindFailureLimit,
      perSystemId: s.smpp.bindSystemIdLimit,
      holdMs: s.smpp.bindLockoutMs,
      maxHoldMs: s.smpp.bindMaxLockoutMs,
      knownMs: 30 * 86_400_000,
    }
    this.hashes = new HashPool(s.smpp.bindHashConcurrency, s.smpp.bindHashQueue)
    this.unbound = new UnboundSlots(s.smpp.unboundPerAddress)
    this.verdicts = new VerdictBook({
      clock: this.clock,
      log: this.log,
      metrics: this.metrics,
      ledger: this.stores.ledger,
      retentionDays: s.retentionDays,
    })
    this.submits = new SubmitBatcher(this.queues, s.submitQueueUrl)
    this.nextMessageId = messageIdGenerator(s.nodeId, deps.nonce ?? randomBytes(4).toString('hex'), () => this.clock.now())
    this.consumer = new CallbackConsumer(this)
  }

  get draining(): boolean {
    return this.draining$.on
  }

  /** Starts the callback consumer and the registry heartbeat. */
  start(): void {
    this.consumer.start()
    this.beat()
  }

  /** Takes over a connected stream (after any PROXY header): the real client address comes from the caller. */
  accept(stream: Duplex, remote: Remote): Connection {
    const conn = new Connection(stream, this, remote)
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

  sessionsOf(accountId: string): readonly Connection[] {
    return this.bound.get(accountId) ?? []
  }

  pickReceiver(accountId: string): Connection | undefined {
    const receivers = this.sessionsOf(accountId).filter((c) => c.canReceive)
    if (receivers.length === 0) return undefined
    const i = (this.roundRobin.get(accountId) ?? 0) % receivers.length
    this.roundRobin.set(accountId, i + 1)
    return receivers[i]
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

  sessionBound(conn: Connection): void {
    this.unbound.release(conn)
    const accountId = conn.accountId!
    this.bound.set(accountId, [...this.sessionsOf(accountId), conn])
    this.track(
      this.register(conn)
        .then(() => this.reshare(accountId))
        .catch((err) => this.log.error('session registry write failed', { conn: conn.id, err })),
    )
    if (conn.canReceive) {
      redrainPending(conn).catch((err) => this.log.error('pending drain failed', { conn: conn.id, err }))
    }
  }

  sessionClosed(conn: Connection): void {
    this.unbound.release(conn)
    this.connections.delete(conn)
    const accountId = conn.accountId
    if (accountId === undefined) return
    const rest = this.sessionsOf(accountId).filter((c) => c !== conn)
    if (rest.length > 0) this.bound.set(accountId, rest)
    else this.bound.delete(accountId)
    this.track(
      this.stores.sessions
        .remove(accountId, this.settings.nodeId, conn.id)
        .then(() => this.reshare(accountId))
        .catch((err) => this.log.error('session registry remove failed', { conn: conn.id, err })),
    )
  }

  private track(p: Promise<unknown>): void {
    this.background.add(p)
    void p.finally(() => this.background.delete(p))
  }

  private register(conn: Connection): Promise<void> {
    const now = this.clock.now()
    return this.stores.sessions.put({
      accountId: conn.accountId!,
      nodeId: this.settings.nodeId,
      sessionId: conn.id,
      bindType: conn.bindType!,
      callbackQueueUrl: this.settings.callbackQueueUrl,
      boundAt: new Date(now).toISOString(),
      expiresAt: Math.floor(now / 1000) + Math.ceil((3 * this.settings.heartbeatMs) / 1000),
    })
  }

  /** This node's share of the account's speed, from its own submitting sessions and the registry's others. */
  private async reshare(accountId: string): Promise<void> {
    const mine = this.sessionsOf(accountId).filter((c) => c.bindType !== 'receiver')
    if (mine.length === 0) return this.throttles.forget(accountId)
    const live = await this.stores.sessions.list(accountId, Math.floor(this.clock.now() / 1000))
    const elsewhere = live.filter((e) => e.nodeId !== this.settings.nodeId && e.bindType !== 'receiver').length
    const speed = mine[0].account!.speed
    this.throttles.configure(accountId, shareOf(speed, mine.length, elsewhere), this.clock.now())
  }

  /** Heartbeat: refresh every bound session's registry entry, re-read the accounts' speed, re-share it. */
  private beat(): void {
    this.heartbeat = this.clock.setTimeout(() => {
      void this.refresh().finally(() => {
        if (!this.draining) this.beat()
      })
    }, this.settings.heartbeatMs)
  }

  private async refresh(): Promise<void> {
    for (const [accountId, conns] of this.bound) {
      try {
        const account = await this.stores.accounts.get(accountId)
        for (const c of conns) {
          if (account) c.account = account
          await this.register(c)
          // Stored receipts go out while the session stays bound, not only at its next bind (issue 13, item 9).
          if (c.canReceive) redrainPending(c).catch((err) => this.log.error('pending re-drain failed', { conn: c.id, err }))
        }
        await this.reshare(accountId)
      } catch (err) {
        this.log.error('heartbeat failed', { accountId, err })
      }
    }
  }

  /**
   * Graceful stop (SIGTERM): no new binds, unbind sent to every session, then wait until every submit has
   * its verdict answered and every deliver_sm its resp, up to drainTimeoutMs; then close what is left,
   * stop the consumer and deregister. The caller has stopped the listeners first.
   */
  async drain(): Promise<void> {
    if (this.draining$.on) return
    this.draining$.on = true
    this.clock.clearTimeout(this.heartbeat)
    const conns = [...this.connections]
    this.log.info('draining', { sessions: conns.length, verdictsWaiting: this.verdicts.size })
    const settled = Promise.all(
      conns.map(async (c) => {
        await c.unbind()
        await c.window.until(0)
        while (c.pendingRequests > 0 && c.state !== 'closed') await sleep(this.clock, 20)
      }),
    ).then(async () => {
      while (this.consumer.deliveriesInFlight > 0) await sleep(this.clock, 20)
    })
    let timer: TimerHandle | undefined
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = this.clock.setTimeout(() => resolve('timeout'), this.settings.smpp.drainTimeoutMs)
    })
    const outcome = await Promise.race([settled.then(() => 'drained' as const), deadline])
    this.clock.clearTimeout(timer)
    if (outcome === 'timeout') this.log.warn('drain deadline passed', { verdictsWaiting: this.verdicts.size })
    for (const c of this.connections) void c.end('node stopping')
    await Promise.all(conns.map((c) => c.closed))
    await Promise.allSettled([...this.background])
    await this.consumer.stop(false)
    this.log.info('drained', { outcome })
  }

  /** Stops without draining (tests' teardown). */
  async close(): Promise<void> {
    this.draining$.on = true
    this.clock.clearTimeout(this.heartbeat)
    for (const c of this.connections) c.close('node closed')
    await Promise.allSettled([...this.background])
    await this.consumer.stop()
  }

  health() {
    return {
      status: this.draining ? 'draining' : 'ok',
      nodeId: this.settings.nodeId,
      sessions: this.sessionCounts(),
      connections: this.connections.size,
      verdictsWaiting: this.verdicts.size,
    }
  }
}
