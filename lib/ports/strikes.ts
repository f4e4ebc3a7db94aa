/**
 * Counters of attempts that hold for a while (failed binds per address and per system_id, issue 13), shared
 * by every node. An entry lives until `now + holdMs(count)` from its latest strike: a key whose time has
 * passed counts zero and starts again, so the caller chooses a sliding window or a growing backoff.
 */
export interface Strikes {
  /** Adds one strike and returns the count with it, atomically across nodes. */
  strike(key: string, nowMs: number, holdMs: (count: number) => number): Promise<number>
  /** Takes one strike back (the attempt turned out good); the entry keeps its time. */
  forgive(key: string): Promise<void>
  /** The live count (0 when absent or past its time). */
  count(key: string, nowMs: number): Promise<number>
  /** Sets the key to one strike until `untilMs` (a fact to remember, such as an address known to an account). */
  remember(key: string, untilMs: number): Promise<void>
}
