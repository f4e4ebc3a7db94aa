/**
 * What taking a key found: `taken` (the caller holds it now, until `expiresAt`); `held` (another run holds an
 * unconfirmed lease: it may be working, or dead with the lease not lapsed yet); `done` (confirmed: the effect
 * happened). A caller that must see the effect happen treats `held` as "not yet" and retries after the lease,
 * never as done: a copy that dropped its work on `held` lost it when the holder had died (issue 18).
 */
export type GuardClaim = 'taken' | 'held' | 'done'

/** Idempotency keys: the first caller of `take` for a key holds it until it expires. */
export interface Guards {
  take(key: string, expiresAt: number): Promise<GuardClaim>
  /** Let a key be taken again (an effect that failed after its guard was taken). */
  release(key: string): Promise<void>
  /**
   * Keeps a taken key until `expiresAt` and marks it done (issue 13, item 9): a guard is first taken as a short
   * lease and confirmed once its effect is done, so a run that dies in between leaves a lease the retry can retake.
   */
  confirm(key: string, expiresAt: number): Promise<void>
}
