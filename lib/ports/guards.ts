/** Idempotency keys: the first caller of `once` for a key gets true until it expires. */
export interface Guards {
  once(key: string, expiresAt: number): Promise<boolean>
  /** Let a key be taken again (an effect that failed after its guard was taken). */
  release(key: string): Promise<void>
}
