/**
 * Shared counters every node draws from in blocks, like the credit grants of online charging: a node asks for a
 * block, spends it locally without a round trip per message, and gives back what it did not spend. One port,
 * two uses: throttle windows (parts per minute / hour / day, issue 17) and the blocks of decimal message ids.
 */
export interface Quotas {
  /**
   * Adds up to `want` to the count of `key`, never past `limit`, atomically across nodes; the key lives until
   * `untilMs` (a fixed window), then counts from zero again. Answers what it granted (0 when the window is full).
   */
  take(key: string, want: number, limit: number, untilMs: number, nowMs: number): Promise<number>
  /** Gives back `amount` of a grant not spent (a node that loses its last session of an account). */
  giveBack(key: string, amount: number, nowMs: number): Promise<void>
  /**
   * The next `size` numbers of a sequence that never repeats and never expires, with the sequence's random salt
   * (drawn once, when the sequence starts, and the same for every node after).
   */
  block(key: string, size: number): Promise<{ start: number; salt: string }>
}
