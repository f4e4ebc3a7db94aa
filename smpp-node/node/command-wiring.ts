import type { BindLimits } from '../../lib/domain/bind-limits'
import type { Log, QueueSender, Stores } from '../../lib/ports'
import { SubmitBatcher } from '../bridge/submit-batcher'
import type { VerdictBook } from '../bridge/verdicts'
import { buildCommands } from '../commands'
import type { SubmitServices } from '../commands/services'
import { isAllowed } from '../edge/allow-list'
import { HashPool } from '../edge/hash-pool'
import type { InFlight } from '../edge/in-flight'
import type { Throttles } from '../edge/throttle'
import type { WindowGrants } from '../edge/window-grants'
import type { Clock } from '../session/clock'
import type { Commands, Session } from '../session/session'
import type { Metrics } from './metrics'
import type { NodeSettings } from './settings'

/** What the node hands down to build its command table: its parts, and the three questions only it can answer. */
export interface CommandWiring {
  settings: NodeSettings
  stores: Stores
  queues: QueueSender
  clock: Clock
  log: Log
  metrics: Metrics
  throttles: Throttles
  windows: WindowGrants
  inFlight: InFlight
  verdicts: VerdictBook
  nextMessageId: SubmitServices['nextMessageId']
  /** This process (issue 18): in every SubmitJob, so a verdict for a dead process is known unanswered. */
  incarnation: string
  isDraining(): boolean
  boundHere(accountId: string): number
  bound(session: Session): void
}

/** The command table of one node, each command given only the services it uses (commands/services.ts). */
export function nodeCommands(w: CommandWiring): Commands {
  const { settings: s, stores, clock } = w
  const bindLimits: BindLimits = {
    perAddress: s.smpp.bindFailureLimit,
    perSystemId: s.smpp.bindSystemIdLimit,
    holdMs: s.smpp.bindLockoutMs,
    maxHoldMs: s.smpp.bindMaxLockoutMs,
    knownMs: 30 * 86_400_000,
  }
  return buildCommands({
    clock,
    log: w.log,
    metrics: w.metrics,
    nodeId: s.nodeId,
    accounts: stores.accounts,
    registry: stores.sessions,
    messages: stores.messages,
    // Bind attempt limits, counted in stores.strikes across nodes; password hashing bounded per node.
    gate: {
      strikes: stores.strikes,
      limits: bindLimits,
      hashes: new HashPool(s.smpp.bindHashConcurrency, s.smpp.bindHashQueue),
      allows: isAllowed,
    },
    systemId: s.smpp.systemId,
    failedBindDelayMs: s.failedBindDelayMs,
    isDraining: w.isDraining,
    boundHere: w.boundHere,
    bound: w.bound,
    speed: w.throttles,
    windows: w.windows,
    inFlight: w.inFlight,
    nextMessageId: w.nextMessageId,
    callbackQueueUrl: s.callbackQueueUrl,
    incarnation: w.incarnation,
    verdictDeadlineMs: s.smpp.verdictDeadlineMs,
    submits: new SubmitBatcher(w.queues, s.submitQueueUrl),
    verdicts: w.verdicts,
  })
}
