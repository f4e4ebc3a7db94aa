import type { LedgerEntry } from '../../lib/domain/model'
import type { Stores } from '../../lib/ports'
import { signCursor, verifyCursor } from './cursor'
import { ApiError, notFound } from './errors'

/**
 * Ledger entries with the balance after each one. Entries do not store a balance (a charge moves the
 * balance in a transaction without reading it), so it is derived from the account's current balance
 * backwards: balance before the first entry of the period = current balance - sum of every entry from
 * there to now. Later pages carry the running balance in their cursor, so only the first page reads
 * the tail. The balance is read before and after the tail and the read repeated if a charge moved it
 * meanwhile, so a page is one consistent snapshot.
 */

export interface RunningEntry extends LedgerEntry {
  balanceAfter: number
}

const TailPage = 1000
/** Entries from the period's start to now that one request may add up: past that, ask for a later period. */
export const MaxTailEntries = 200_000
const SnapshotAttempts = 3
const FarFuture = '9999-12-31T23:59:59.999Z'

/** The store's cursor `s` and `b`, the balance before the next entry. */
function decode(key: string, scope: string, cursor: string): { s: string; b: number } {
  const c = verifyCursor(key, scope, cursor)
  if (Number.isSafeInteger(c.b) && typeof c.s === 'string') return c as { s: string; b: number }
  throw new ApiError(400, 'invalid_cursor', 'invalid pagination cursor')
}

async function sumFrom(stores: Stores, accountId: string, fromIso: string): Promise<number> {
  let sum = 0
  let seen = 0
  let cursor: string | undefined
  do {
    const page = await stores.ledger.entries(accountId, fromIso, FarFuture, TailPage, cursor)
    for (const e of page.items) sum += e.amount
    seen += page.items.length
    if (seen > MaxTailEntries)
      throw new ApiError(422, 'ledger_too_long', 'too many ledger entries since this period to derive balances; pick a later period')
    cursor = page.cursor
  } while (cursor)
  return sum
}

async function balanceOf(stores: Stores, accountId: string) {
  return (await stores.accounts.getExact(accountId))?.balance ?? notFound(`account ${accountId}`)
}

/** Balance just before the first entry at or after `fromIso`. */
async function openingBalance(stores: Stores, accountId: string, fromIso: string): Promise<number> {
  let before = await balanceOf(stores, accountId)
  for (let attempt = 1; ; attempt++) {
    const tail = await sumFrom(stores, accountId, fromIso)
    const after = await balanceOf(stores, accountId)
    if (after === before || attempt === SnapshotAttempts) return after - tail
    before = after
  }
}

export async function ledgerPage(
  stores: Stores,
  /** Signs the cursor (ApiDeps.cursorKey): it carries the balance, which the caller must not choose. */
  key: string,
  accountId: string,
  fromIso: string,
  toIso: string,
  limit: number,
  cursor?: string,
): Promise<{ items: RunningEntry[]; cursor?: string }> {
  const scope = `ledger:${accountId}`
  const resumed = cursor ? decode(key, scope, cursor) : undefined
  const page = await stores.ledger.entries(accountId, fromIso, toIso, limit, resumed?.s)
  if (!resumed && page.items.length === 0) return { items: [] }
  let balance = resumed ? resumed.b : await openingBalance(stores, accountId, page.items[0].at)
  const items = page.items.map((e) => ({ ...e, balanceAfter: (balance += e.amount) }))
  return { items, ...(page.cursor ? { cursor: signCursor(key, scope, { s: page.cursor, b: balance }) } : {}) }
}

/** Every entry of the period (CSV export), bounded like the tail. */
export async function ledgerAll(stores: Stores, key: string, accountId: string, fromIso: string, toIso: string): Promise<RunningEntry[]> {
  const all: RunningEntry[] = []
  let cursor: string | undefined
  do {
    const page = await ledgerPage(stores, key, accountId, fromIso, toIso, TailPage, cursor)
    all.push(...page.items)
    if (all.length > MaxTailEntries)
      throw new ApiError(422, 'too_many_rows', 'the period has too many ledger entries for one export; split it')
    cursor = page.cursor
  } while (cursor)
  return all
}
