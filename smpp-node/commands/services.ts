import type { Log, Stores } from '../../lib/ports'
import type { SubmitBatcher } from '../bridge/submit-batcher'
import type { VerdictBook } from '../bridge/verdicts'
import type { Clock } from '../session/clock'
import type { Counters, Session } from '../session/session'

/**
 * The services commands use, each named by what it does for them. The node (node/) builds them from its
 * parts; the edge's guard and throttles arrive as these interfaces, so commands never reach up into the
 * rooms that call them, and tests can hand a command exactly what it needs.
 */

/** Failed binds per address (edge/bind-guard.ts), and the account's IP allow-list (edge/allow-list.ts). */
export interface BindGate {
  isLocked(address: string, now: number): boolean
  fail(address: string, now: number): void
  succeed(address: string): void
  allows(allowList: readonly string[], address: string): boolean
}

/** This node's share of each account's speed (edge/throttle.ts). */
export interface SpeedLimit {
  take(accountId: string, parts: number, now: number): boolean
  rateOf(accountId: string): number | undefined
}

export interface Common {
  clock: Clock
  log: Log
  metrics: Counters
  nodeId: string
}

export interface BindServices extends Common {
  accounts: Stores['accounts']
  registry: Stores['sessions']
  gate: BindGate
  /** The system_id this SMSC answers with in bind_resp. */
  systemId: string
  /** How long a failed bind waits before its bind_resp (slows down guessing on a single connection). */
  failedBindDelayMs: number
  isDraining(): boolean
  /** Bound sessions of an account on this node. */
  boundHere(accountId: string): number
  /** After a successful bind_resp: register in the registry, re-share the speed, drain pending deliveries. */
  bound(session: Session): void
}

export interface SubmitServices extends Common {
  /** Parts accepted per account, for the per-account throughput metric (an EMF property, not a dimension). */
  metrics: Counters & { submitted(accountId: string, parts: number): void }
  speed: SpeedLimit
  nextMessageId(): string
  callbackQueueUrl: string
  verdictDeadlineMs: number
  submits: Pick<SubmitBatcher, 'post'>
  verdicts: Pick<VerdictBook, 'wait' | 'expireNow'>
}

export interface MessageServices {
  clock: Clock
  messages: Stores['messages']
}

export type CommandServices = BindServices & SubmitServices & MessageServices
