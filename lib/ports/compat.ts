import type { SessionObservation } from '../domain/compat'

/**
 * What the nodes observed of each ESME session (issue 19): one item per session, rewritten by the node's
 * periodic flush (many sessions per write), read by the API's compatibility report.
 */
export interface CompatStore {
  /** Writes the latest observation of each session (a later one replaces the earlier). */
  putSessions(sessions: readonly SessionObservation[]): Promise<void>
  /** The account's most recent sessions, newest first. */
  recentSessions(accountId: string, limit: number): Promise<SessionObservation[]>
}
