import type { SmppConfig } from '../../lib/config'

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
  /** Issue 18: node registry beat (lib/domain/adoption.ts); dead after three missed. 2 s when unset. */
  livenessMs?: number
}
