/** Idempotency keys: the first caller of `once` for a key gets true until it expires. */
export interface Guards {
  once(key: string, expiresAt: number): Promise<boolean>
  /** Let a key be taken again (an effect that failed after its guard was taken). */
  release(key: string): Promise<void>
  /**
   * Keeps a taken key until `expiresAt` (issue 13, item 9): a guard is first taken as a short lease and
   * confirmed once its effect is done, so a run that dies in between leaves a lease the retry can retake.
   */
  confirm(key: string, expiresAt: number): Promise<void>
}
