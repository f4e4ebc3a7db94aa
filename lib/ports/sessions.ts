import type { SessionEntry } from '../domain/model'

/** Which node holds which bind: written by the nodes (heartbeat), read by the DLR path and the nodes' throttles. */
export interface SessionRegistry {
  put(entry: SessionEntry): Promise<void>
  remove(accountId: string, nodeId: string, sessionId: string): Promise<void>
  /** Live entries of the account (expiresAt after now). */
  list(accountId: string, nowSec: number): Promise<SessionEntry[]>
}
