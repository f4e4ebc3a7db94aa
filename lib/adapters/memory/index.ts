import type { Guards, PendingStore, SessionRegistry, Stores, UsageStore } from '../../ports'
import { Sk, upTo } from '../keys'
import { memoryAccounts } from './accounts'
import { memoryCompat } from './compat'
import { memoryEffects } from './effects'
import { addUsage, memoryLedger } from './ledger'
import { memoryMessages } from './messages'
import { memoryFingerprints, memoryNodes } from './nodes'
import { memoryQuotas } from './quotas'
import { memoryReference } from './reference'
import { copy, createState, type MemoryState, nowSec, partition, storedPending } from './state'
import { memoryStrikes } from './strikes'
import { memoryWebhooks } from './webhooks'

export interface MemoryOptions {
  /** The clock guards, sessions and pending claims compare against (tests step it forward). */
  now?: () => Date
  /** Days the refund and credit guards live, as with dynamoStores. */
  retentionDays?: number
}

/**
 * Every port in memory, for pure tests. Same keys, conditions and cursor contract as dynamoStores
 * (the contract suites in lib/ports/contract run against both).
 */
export function memoryStores(opts: MemoryOptions = {}): Stores {
  const state = createState(opts.now ?? (() => new Date()), opts.retentionDays ?? 30)
  return {
    accounts: memoryAccounts(state),
    reference: memoryReference(state),
    messages: memoryMessages(state),
    ledger: memoryLedger(state),
    usage: memoryUsage(state),
    guards: memoryGuards(state),
    sessions: memorySessions(state),
    pending: memoryPending(state),
    effects: memoryEffects(state),
    strikes: memoryStrikes(),
    quotas: memoryQuotas(),
    compat: memoryCompat(),
    webhooks: memoryWebhooks(),
    nodes: memoryNodes(),
    fingerprints: memoryFingerprints(state),
  }
}

const memoryUsage = (state: MemoryState): UsageStore => ({
  async add(row) {
    addUsage(state, row)
  },
  async query(accountId, fromDay, toDay) {
    const rows = state.usage.get(accountId) ?? new Map()
    const to = upTo(toDay)
    return [...rows.keys()]
      .filter((sk) => sk >= fromDay && sk <= to)
      .sort()
      .map((sk) => copy(rows.get(sk)))
  },
})

const memoryGuards = (state: MemoryState): Guards => ({
  async take(key, expiresAt) {
    const g = state.guards.get(key)
    // As the DynamoDB condition: free when absent or expired (TTL deletion is lazy, so expired items linger).
    if (g && g.expiresAt >= nowSec(state)) return g.done ? 'done' : 'held'
    state.guards.set(key, { expiresAt })
    return 'taken'
  },
  async release(key) {
    state.guards.delete(key)
  },
  async confirm(key, expiresAt) {
    const g = state.guards.get(key)
    if (g) Object.assign(g, { expiresAt, done: true })
  },
})

const memorySessions = (state: MemoryState): SessionRegistry => ({
  async put(entry) {
    partition(state.sessions, entry.accountId).set(Sk.session(entry.nodeId, entry.sessionId), copy(entry))
  },
  async remove(accountId, nodeId, sessionId) {
    state.sessions.get(accountId)?.delete(Sk.session(nodeId, sessionId))
  },
  async list(accountId, now) {
    const entries = state.sessions.get(accountId) ?? new Map()
    return [...entries.keys()]
      .sort()
      .map((sk) => entries.get(sk)!)
      .filter((e) => e.expiresAt > now)
      .map(copy)
  },
})

const memoryPending = (state: MemoryState): PendingStore => ({
  async add(item) {
    const sk = Sk.pending(item.createdAt, item.deliveryId)
    partition(state.pending, item.accountId).set(sk, storedPending(item, sk))
    return sk
  },
  async list(accountId, now, limit, takeOver = []) {
    const items = state.pending.get(accountId) ?? new Map()
    const nowMs = now.getTime()
    const free = (p: { claimedBy?: string; claimUntil?: number }) =>
      p.claimUntil === undefined || p.claimUntil < nowMs || takeOver.includes(p.claimedBy ?? '')
    return [...items.keys()]
      .sort()
      .map((sk) => items.get(sk)!)
      .filter((p) => Date.parse(p.validUntil) > nowMs && free(p))
      .slice(0, Math.max(1, limit))
      .map(({ claimedBy: _n, claimUntil: _u, ...p }) => copy(p))
  },
  async claim(accountId, sk, nodeId, untilMs, takeOver = []) {
    const p = state.pending.get(accountId)?.get(sk)
    const held = p?.claimUntil !== undefined && p.claimUntil >= state.now().getTime() && !takeOver.includes(p.claimedBy ?? '')
    if (!p || held) return false
    Object.assign(p, { claimedBy: nodeId, claimUntil: untilMs })
    return true
  },
  async unclaim(accountId, sk) {
    const p = state.pending.get(accountId)?.get(sk)
    if (p) Object.assign(p, { claimedBy: undefined, claimUntil: undefined })
  },
  async remove(accountId, sk) {
    state.pending.get(accountId)?.delete(sk)
  },
  async removeMany(keys) {
    for (const k of keys) state.pending.get(k.accountId)?.delete(k.sk)
  },
  async dropExpired(accountId, at, limit) {
    const items = state.pending.get(accountId) ?? new Map()
    const atMs = at.getTime()
    const dropped = [...items.keys()]
      .sort()
      .slice(0, limit)
      .map((sk) => items.get(sk)!)
      .filter((p) => Date.parse(p.validUntil) <= atMs && (p.claimUntil === undefined || p.claimUntil < atMs))
    for (const p of dropped) items.delete(p.sk)
    return dropped.map(({ claimedBy: _n, claimUntil: _u, ...p }) => copy(p))
  },
})
