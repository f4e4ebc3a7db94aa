import type { FingerprintOwner } from '../../domain/adoption'
import type { Account, LedgerEntry, MessageRecord, PendingDelivery, SessionEntry, UsageRow } from '../../domain/model'
import type { Decision, Page } from '../../ports'
import { decodeCursor, encodeCursor } from '../keys'

/**
 * The tables as maps, shared by every memory store so that one operation can move several of them
 * together (a charge touches accounts, messages, usage, ledger and guards). Operations read and write
 * synchronously between awaits, which makes each one atomic like a DynamoDB transaction.
 */
export interface PendingItem extends Omit<PendingDelivery, 'claim'> {
  sk: string
  claimedBy?: string
  claimUntil?: number // epoch ms
}

/** A pending item as stored: its claim, if it comes claimed, as the claim fields (lib/domain/model.ts PendingDelivery). */
export function storedPending({ claim, ...item }: PendingDelivery, sk: string): PendingItem {
  return { ...copy(item), sk, ...(claim ? { claimedBy: claim.by, claimUntil: claim.untilMs } : {}) }
}

export interface Guard {
  expiresAt: number // epoch seconds
  /** Confirmed: the guarded effect happened (Guards.confirm). */
  done?: boolean
  /** A DUP# fingerprint's owner and the end of its duplicate window (issue 18: it may outlive the window). */
  owner?: FingerprintOwner
  dupUntil?: number
}

export interface MemoryState {
  now: () => Date
  retentionDays: number
  accounts: Map<string, Account>
  reference: Map<string, Map<string, unknown>> // pk -> sk -> item, as in the reference table
  messages: Map<string, MessageRecord>
  /**
   * Each message key's decision, as DynamoDB keeps it on the messages item (lib/adapters/dynamo/decision-item.ts): set
   * with the record by a charge, alone by a refusal or a deadline; never seen by the MessageStore, as there.
   */
  decisions: Map<string, { decision: Decision; expiresAt: number }>
  ledger: Map<string, Map<string, LedgerEntry>> // accountId -> `<at>#<entryId>`
  usage: Map<string, Map<string, UsageRow>> // accountId -> `<day>#<prefix>#<status>`
  guards: Map<string, Guard>
  sessions: Map<string, Map<string, SessionEntry>> // accountId -> `<nodeId>#<sessionId>`
  pending: Map<string, Map<string, PendingItem>> // accountId -> `<createdAt>#<deliveryId>`
}

export const createState = (now: () => Date, retentionDays: number): MemoryState => ({
  now,
  retentionDays,
  accounts: new Map(),
  reference: new Map(),
  messages: new Map(),
  decisions: new Map(),
  ledger: new Map(),
  usage: new Map(),
  guards: new Map(),
  sessions: new Map(),
  pending: new Map(),
})

/** Callers get copies, as they would from DynamoDB: mutating a result never changes the store. */
export const copy = <T>(value: T): T => structuredClone(value)

export const nowSec = (state: MemoryState) => Math.floor(state.now().getTime() / 1000)

/** The map under `key`, created on first use (a partition). */
export function partition<V>(maps: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let map = maps.get(key)
  if (!map) maps.set(key, (map = new Map()))
  return map
}

/** Sort-key order and cursors like a DynamoDB Query: the cursor names the last key returned. */
export function pageOf<T>(
  items: Map<string, T> | undefined,
  limit: number,
  cursor?: string,
  keep: (key: string) => boolean = () => true,
): Page<T> {
  const after = decodeCursor<{ k: string }>(cursor)?.k
  const keys = [...(items?.keys() ?? [])].filter((k) => keep(k) && (after === undefined || k > after)).sort()
  const taken = keys.slice(0, Math.max(1, limit))
  const page: Page<T> = { items: taken.map((k) => copy(items!.get(k)!)) }
  if (keys.length > taken.length) page.cursor = encodeCursor({ k: taken[taken.length - 1] })
  return page
}
