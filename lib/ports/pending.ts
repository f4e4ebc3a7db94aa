import type { PendingDelivery } from '../domain/model'

/** Store and forward for receipts and MO awaiting a receiver session. */
export interface PendingStore {
  /** Returns the item's sort key (`<createdAt>#<deliveryId>`), the address for claim and remove. */
  add(item: PendingDelivery): Promise<string>
  /**
   * Oldest first, only items still valid at `now` and not claimed by another node, or claimed by one of
   * `takeOver` (issue 18: node processes known dead, whose claims need not wait for their timeout).
   */
  list(accountId: string, now: Date, limit: number, takeOver?: readonly string[]): Promise<Array<PendingDelivery & { sk: string }>>
  /** Conditional: true when this node now holds the item until `untilMs` (no one else sends it meanwhile). */
  claim(accountId: string, sk: string, nodeId: string, untilMs: number, takeOver?: readonly string[]): Promise<boolean>
  /** Release a claim without delivering (the session went away). */
  unclaim(accountId: string, sk: string): Promise<void>
  remove(accountId: string, sk: string): Promise<void>
  /**
   * Removes many at once (one BatchWriteItem per 25): the deliveries answered in one read of a session leave in
   * one request, so the last one's removal is on the wire as soon as the first one's (issue 18).
   */
  removeMany(keys: ReadonlyArray<{ accountId: string; sk: string }>): Promise<void>
  /**
   * Issue 13: removes up to `limit` of the account's oldest items whose validity ended by `at` and that no node holds
   * a live claim on, and returns those THIS call removed (a conditional delete: two sweeps count each item once).
   * Items are kept past their validity (TTL a day later) so that this, not TTL, ends them and they are counted.
   */
  dropExpired(accountId: string, at: Date, limit: number): Promise<Array<PendingDelivery & { sk: string }>>
}
