import type { SessionObservation } from '../../domain/compat'
import type { CompatStore } from '../../ports'
import { Sk } from '../keys'
import { copy } from './state'

/** The compat table in memory: accountId -> sk -> observation, newest first by sort key as the Query reads it. */
export function memoryCompat(): CompatStore {
  const items = new Map<string, Map<string, SessionObservation>>()
  return {
    async putSessions(sessions) {
      for (const o of sessions) {
        const byAccount = items.get(o.accountId) ?? new Map()
        items.set(o.accountId, byAccount.set(Sk.compat(o.boundAt, o.nodeId, o.sessionId), copy(o)))
      }
    },
    async recentSessions(accountId, limit) {
      const byAccount = items.get(accountId) ?? new Map<string, SessionObservation>()
      return [...byAccount.keys()]
        .sort()
        .reverse()
        .slice(0, Math.max(1, limit))
        .map((sk) => copy(byAccount.get(sk)!))
    },
  }
}
