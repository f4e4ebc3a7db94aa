import type { SmppConfig } from '../../lib/config'
import type { BindLimits } from '../../lib/domain/bind-limits'
import type { Log, QueueConsumer, QueueSender, Stores } from '../../lib/ports'
import type { SubmitBatcher } from '../bridge/submit-batcher'
import type { VerdictBook } from '../bridge/verdicts'
import type { HashPool } from '../edge/hash-pool'
import type { Throttles } from '../edge/throttle'
import type { Clock } from '../session/clock'
import type { Connection } from '../session/connection'
import type { Metrics } from './metrics'

/** The slice of the config the node runs on, plus its own tunables (plain data: tests pass short timeouts). */
export interface NodeSettings {
  nodeId: string
  smpp: SmppConfig
  submitQueueUrl: string
  callbackQueueUrl: string
  retentionDays: number
  /** Session registry heartbeat; an entry lives three beats, so a crashed node's sessions vanish soon. */
  heartbeatMs: number
  /** How long a failed bind waits before its bind_resp (slows down guessing on a single connection). */
  failedBindDelayMs: number
  /** Long-poll wait of the callback consumer, and how many polls run at once. */
  callbackWaitSec: number
  callbackPollers: number
}

/** What commands and connections see of the node: its stores, queues and shared session state. */
export interface NodeContext {
  readonly settings: NodeSettings
  readonly stores: Stores
  readonly queues: QueueSender & QueueConsumer
  readonly clock: Clock
  readonly log: Log
  readonly metrics: Metrics
  /** Bind attempt limits, counted in stores.strikes across nodes; password hashing bounded per node. */
  readonly bindLimits: BindLimits
  readonly hashes: HashPool
  readonly throttles: Throttles
  readonly verdicts: VerdictBook
  readonly submits: SubmitBatcher
  readonly draining: boolean
  nextMessageId(): string
  /** Bound sessions of an account on this node. */
  sessionsOf(accountId: string): readonly Connection[]
  /** After a successful bind_resp: register in the registry, re-share the speed, drain pending deliveries. */
  sessionBound(conn: Connection): void
  sessionClosed(conn: Connection): void
}
