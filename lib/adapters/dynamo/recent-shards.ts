import type { Shards } from './balance'

/** How old a read may be and still be the first view of a charge (a few round trips on AWS). */
export const RecentShardsMs = 1_000

/** Past this many accounts read and not charged (the node's binds, the API), the reads kept start over. */
const MaxKept = 1_000

/**
 * The balance shards the account read found (accounts.get, one consistent BatchGetItem), kept for the charge that
 * follows it in the same submit batch, which read the same items again: one BatchGetItem and one DynamoDB round
 * trip per batch before the charge transaction (issue 12, bench/hops.ts). Taken once and only while fresh: a later
 * attempt, or a second group of the same account, reads afresh. An older view is safe as readShards' own is: a
 * charge that sees more than there is is cancelled by its shard conditions and reads again; one that sees less
 * answers 0x0433 for what a read a round trip later might have covered, the race a top-up has with any read.
 */
export class RecentShards {
  private readonly kept = new Map<string, { atMs: number; shards: Promise<Shards> }>()

  constructor(
    private readonly nowMs: () => number,
    private readonly freshMs = RecentShardsMs,
  ) {}

  keep(accountId: string, shards: Promise<Shards>): void {
    if (this.kept.size >= MaxKept) this.kept.clear()
    const entry = { atMs: this.nowMs(), shards }
    this.kept.set(accountId, entry)
    // Only this read: a newer one kept for the account meanwhile stays.
    shards.catch(() => {
      if (this.kept.get(accountId) === entry) this.kept.delete(accountId)
    })
  }

  take(accountId: string): Promise<Shards> | undefined {
    const k = this.kept.get(accountId)
    if (!k) return undefined
    this.kept.delete(accountId)
    return this.nowMs() - k.atMs <= this.freshMs ? k.shards : undefined
  }
}
