import { canSubmit, sessionsElsewhere } from '../../lib/domain/sessions'
import type { Log, Stores } from '../../lib/ports'
import { shareOf, type Throttles } from '../edge/throttle'
import type { WindowGrants } from '../edge/window-grants'
import type { Clock, TimerHandle } from '../session/clock'
import type { Connection } from '../session/connection'

export interface RegistryDeps {
  nodeId: string
  /** This node process (`<nodeId>#<nonce>`), registered with each session: the DLR function claims deliveries for it. */
  incarnation?: string
  callbackQueueUrl: string
  /** An entry lives three beats, so a crashed node's sessions vanish soon. */
  heartbeatMs: number
  accounts: Stores['accounts']
  sessions: Stores['sessions']
  throttles: Throttles
  windows?: Pick<WindowGrants, 'forget'>
  clock: Clock
  log: Log
  /** Each beat, for every bound receiver: send its stored receipts (issue 13, item 9). */
  redrain(conn: Connection): void
}

/**
 * This node's bound sessions by account, mirrored into the shared session registry (so binds and the
 * DLR function see them across nodes), and each account's speed shared out between the nodes that
 * hold its submitting sessions. Registry writes run in the background; `settled()` waits for them.
 */
export class BoundSessions {
  private readonly bound = new Map<string, Connection[]>()
  private readonly roundRobin = new Map<string, number>()
  private readonly background = new Set<Promise<unknown>>()
  private heartbeat?: TimerHandle
  private stopped = false

  constructor(private readonly deps: RegistryDeps) {}

  of(accountId: string): readonly Connection[] {
    return this.bound.get(accountId) ?? []
  }

  /** A receiver or transceiver session of the account on this node, round-robin. */
  pickReceiver(accountId: string): Connection | undefined {
    const receivers = this.of(accountId).filter((c) => c.canReceive)
    if (receivers.length === 0) return undefined
    const i = (this.roundRobin.get(accountId) ?? 0) % receivers.length
    this.roundRobin.set(accountId, i + 1)
    return receivers[i]
  }

  add(conn: Connection): void {
    const accountId = conn.accountId!
    this.bound.set(accountId, [...this.of(accountId), conn])
    this.track(
      this.register(conn).then(() => this.reshare(accountId)),
      'session registry write failed',
      conn,
    )
  }

  remove(conn: Connection): void {
    const accountId = conn.accountId
    if (accountId === undefined) return
    const rest = this.of(accountId).filter((c) => c !== conn)
    if (rest.length > 0) this.bound.set(accountId, rest)
    else this.bound.delete(accountId)
    const removed = this.deps.sessions.remove(accountId, this.deps.nodeId, conn.id)
    this.track(
      removed.then(() => this.reshare(accountId)),
      'session registry remove failed',
      conn,
    )
  }

  /** Heartbeat: refresh every bound session's registry entry, re-read the accounts' speed, re-share it. */
  startHeartbeat(): void {
    this.heartbeat = this.deps.clock.setTimeout(() => {
      void this.refresh().finally(() => {
        if (!this.stopped) this.startHeartbeat()
      })
    }, this.deps.heartbeatMs)
  }

  stopHeartbeat(): void {
    this.stopped = true
    this.deps.clock.clearTimeout(this.heartbeat)
  }

  /** Resolves once every registry write under way is done, so a stopped node leaves no stale entry. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.background])
  }

  private track(p: Promise<unknown>, what: string, conn: Connection): void {
    const tracked = p.catch((err) => this.deps.log.error(what, { conn: conn.id, err }))
    this.background.add(tracked)
    void tracked.finally(() => this.background.delete(tracked))
  }

  private register(conn: Connection): Promise<void> {
    const { clock, nodeId, incarnation, callbackQueueUrl, heartbeatMs } = this.deps
    const now = clock.now()
    return this.deps.sessions.put({
      accountId: conn.accountId!,
      nodeId,
      ...(incarnation ? { incarnation } : {}),
      sessionId: conn.id,
      bindType: conn.bindType!,
      callbackQueueUrl,
      boundAt: new Date(now).toISOString(),
      expiresAt: Math.floor(now / 1000) + Math.ceil((3 * heartbeatMs) / 1000),
    })
  }

  /** This node's share of the account's speed, from its own submitting sessions and the registry's others. */
  private async reshare(accountId: string): Promise<void> {
    const { clock, throttles } = this.deps
    const mine = this.of(accountId).filter((c) => c.bindType !== undefined && canSubmit(c.bindType))
    if (mine.length === 0) {
      throttles.forget(accountId)
      // The window grants this node holds go back to the account's other nodes (issue 17).
      return this.deps.windows?.forget(accountId, clock.now())
    }
    const live = await this.deps.sessions.list(accountId, Math.floor(clock.now() / 1000))
    const elsewhere = sessionsElsewhere(live, this.deps.nodeId, 'submitting')
    const account = mine[0].account!
    throttles.configure(accountId, shareOf(account.speed, mine.length, elsewhere), clock.now(), account.throttle?.burstSec)
  }

  private async refresh(): Promise<void> {
    for (const [accountId, conns] of this.bound) {
      try {
        const account = await this.deps.accounts.get(accountId)
        for (const c of conns) {
          if (account) c.account = account
          await this.register(c)
          // Stored receipts go out while the session stays bound, not only at its next bind (issue 13, item 9).
          if (c.canReceive) this.deps.redrain(c)
        }
        await this.reshare(accountId)
      } catch (err) {
        this.deps.log.error('heartbeat failed', { accountId, err })
      }
    }
  }
}
