import type { UsageRow } from '../domain/model'

export interface UsageStore {
  /** Atomic ADD of the row's counters to (accountId, day, prefix, status). */
  add(row: UsageRow): Promise<void>
  /** Rows for the account between two days inclusive (YYYY-MM-DD). */
  query(accountId: string, fromDay: string, toDay: string): Promise<UsageRow[]>
}
