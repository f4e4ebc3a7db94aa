import type { PendingStore } from '../../lib/ports'

type Key = { accountId: string; sk: string }

/**
 * Issue 18: the removals of delivered pending items, sent together. A session's deliver_sm_resp come in bursts
 * (the callback consumer sends up to its deliver window at once, and the ESME answers them in one read); one
 * DeleteItem each runs the SDK's request pipeline once per item, so under load the tenth removal of a burst reached
 * the wire a median 17-49 ms after they were asked for, one BatchWriteItem of ten 3-8 ms (`npx tsx
 * bench/pending-removal-flush.ts`, three runs at a load average of 15-18 on 2 cores). A node killed in that gap sends
 * those receipts again after the restart although the ESME had answered them. Here every removal asked for while
 * the current read is being handled leaves in one BatchWriteItem (per 25): the flush runs on process.nextTick,
 * which Node runs only once the promise continuations of that read have all run, so nothing waits for a timer.
 */
export class PendingRemovals {
  private batch: Array<Key & { done: () => void; failed: (err: unknown) => void }> = []

  constructor(private readonly pending: Pick<PendingStore, 'removeMany'>) {}

  /** Resolves once the item is removed (its request answered), rejects if that request failed. */
  remove(accountId: string, sk: string): Promise<void> {
    return new Promise((done, failed) => {
      if (this.batch.length === 0) process.nextTick(() => this.flush())
      this.batch.push({ accountId, sk, done, failed })
    })
  }

  private flush(): void {
    const batch = this.batch
    this.batch = []
    this.pending.removeMany(batch.map(({ accountId, sk }) => ({ accountId, sk }))).then(
      () => {
        for (const b of batch) b.done()
      },
      (err) => {
        for (const b of batch) b.failed(err)
      },
    )
  }
}
