import type { BindLimits } from '../../lib/domain/bind-limits'
import type { Account } from '../../lib/domain/model'
import type { ThrottleLimits } from '../../lib/domain/throttle-limits'
import type { Log, Stores } from '../../lib/ports'
import type { SubmitBatcher } from '../bridge/submit-batcher'
import type { VerdictBook } from '../bridge/verdicts'
import type { Clock } from '../session/clock'
import type { Counters, Session } from '../session/session'

/**
 * The services commands use, each named by what it does for them. The node (node/) builds them from its
 * parts; the edge's hash pool and throttles arrive as these interfaces, so commands never reach up into the
 * rooms that call them, and tests can hand a command exactly what it needs.
 */

/**
 * The password checks a node runs for unauthenticated peers, bounded (edge/hash-pool.ts): `busy` when the
 * queue is full. `typicalMs` is how long one takes lately, what an unknown system_id waits instead.
 */
export interface PasswordChecks {
  run<T>(work: () => Promise<T>): Promise<{ kind: 'done'; value: T } | { kind: 'busy' }>
  readonly typicalMs: number
}

/** The bind attempt limits (issue 13), counted in the shared Strikes port; and the IP allow-list (edge/allow-list.ts). */
export interface BindGate {
  strikes: Stores['strikes']
  limits: BindLimits
  hashes: PasswordChecks
  allows(allowList: readonly string[], address: string): boolean
}

/** This node's share of each account's speed (edge/throttle.ts). */
export interface SpeedLimit {
  take(accountId: string, parts: number, now: number): boolean
  rateOf(accountId: string): number | undefined
}

type Limited = { accountId: string; throttle?: ThrottleLimits }

/** Parts per minute / hour / day, shared across nodes in blocks (edge/window-grants.ts): a promise while a block is fetched. */
export interface WindowLimit {
  take(account: Limited, parts: number, nowMs: number, share: number, rate: number): boolean | Promise<boolean>
}

/** Messages in flight per destination prefix (edge/in-flight.ts): a release, or undefined when a prefix is full. */
export interface InFlightLimit {
  enter(account: Limited, destinations: readonly string[], share: number): (() => void) | undefined
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
  windows: WindowLimit
  inFlight: InFlightLimit
  /** The record id of the next submit, in the account's message_id format (a promise only while a decimal block is fetched). */
  nextMessageId(account: Account): string | Promise<string>
  callbackQueueUrl: string
  /** This node process (node id and nonce): the fingerprint's owner for adoption after a crash (issue 18). */
  incarnation: string
  verdictDeadlineMs: number
  submits: Pick<SubmitBatcher, 'post'>
  verdicts: Pick<VerdictBook, 'wait' | 'expireNow'>
}

export interface MessageServices {
  clock: Clock
  messages: Stores['messages']
}

export type CommandServices = BindServices & SubmitServices & MessageServices
