import { FinalStates, type MessageRecord } from '../../domain/model'
import type { MessageStore, Page } from '../../ports'
import { decodeCursor, encodeCursor } from '../keys'
import { copy, type MemoryState } from './state'

export function memoryMessages(state: MemoryState): MessageStore {
  const { messages } = state
  // Dispatch's leases, beside the records as DynamoDB keeps them on the item, never part of a record read.
  const leases = new Map<string, { until: number; attempt: number }>()
  // Records whose upstream ids are not a byUpstreamId key (transition's indexUpstream false), as in DynamoDB.
  const unindexed = new Set<string>()
  return {
    async get(messageId) {
      const m = messages.get(messageId)
      return m && copy(m)
    },
    async byUpstreamId(upstreamId, upstreamMessageId) {
      for (const m of messages.values()) {
        if (m.upstreamId === upstreamId && m.upstreamMessageId === upstreamMessageId && !unindexed.has(m.messageId)) return copy(m)
      }
      return undefined
    },
    async transition(messageId, from, to, patch = {}, opts = {}) {
      const m = messages.get(messageId)
      if (!m || !from.includes(m.state)) return undefined
      if (patch.upstreamId && patch.upstreamMessageId) {
        if (opts.indexUpstream === false) unindexed.add(messageId)
        else unindexed.delete(messageId)
      }
      for (const [k, v] of Object.entries(patch)) if (v !== undefined) (m as unknown as Record<string, unknown>)[k] = v
      if (FinalStates.has(to) && !patch.dueAt) delete m.dueAt
      m.state = to
      return copy(m)
    },
    async due(nowIso, limit) {
      return [...messages.values()]
        .filter((m) => m.dueAt !== undefined && m.dueAt <= nowIso)
        .sort((a, b) => (a.dueAt! < b.dueAt! ? -1 : 1))
        .slice(0, limit)
        .map(copy)
    },
    async amend(messageId, patch, when) {
      const m = messages.get(messageId)
      if (!m || !when.states.includes(m.state)) return undefined
      if (when.replaced !== undefined && (m.replaced ?? 0) !== when.replaced) return undefined
      if (when.cost !== undefined && m.cost !== when.cost) return undefined
      const fields = m as unknown as Record<string, unknown>
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) delete fields[k]
        else fields[k] = v
      }
      return copy(m)
    },
    async leaseDispatch(messageId, attempt, untilSec, nowSec) {
      const m = messages.get(messageId)
      if (m?.state !== 'ACCEPTED') return { outcome: 'not-accepted', ...(m ? { record: copy(m) } : {}) }
      const held = leases.get(messageId)
      if (held && held.until >= nowSec && held.attempt >= attempt) return { outcome: 'held' }
      leases.set(messageId, { until: untilSec, attempt })
      return { outcome: 'taken', record: copy(m) }
    },
    async releaseDispatch(messageId, attempt) {
      if (leases.get(messageId)?.attempt === attempt) leases.delete(messageId)
    },
    async setUpstream(messageId, upstreamId, upstreamMessageId) {
      const m = messages.get(messageId)
      if (m) Object.assign(m, { upstreamId, upstreamMessageId })
      unindexed.delete(messageId)
    },
    async listByAccount(accountId, fromIso, toIso, limit, cursor) {
      // The byAccount index orders by (createdAt, messageId); the cursor names the last pair returned.
      const after = decodeCursor<{ c: string; m: string }>(cursor)
      const key = (m: MessageRecord) => `${m.createdAt}\u0000${m.messageId}`
      const all = [...messages.values()]
        .filter((m) => m.accountId === accountId && m.createdAt >= fromIso && m.createdAt <= toIso)
        .filter((m) => !after || key(m) > `${after.c}\u0000${after.m}`)
        .sort((a, b) => (key(a) < key(b) ? -1 : 1))
      const items = all.slice(0, Math.max(1, limit))
      const page: Page<MessageRecord> = { items: items.map(copy) }
      const last = items[items.length - 1]
      if (all.length > items.length) page.cursor = encodeCursor({ c: last.createdAt, m: last.messageId })
      return page
    },
  }
}
