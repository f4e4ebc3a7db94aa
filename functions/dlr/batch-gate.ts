/**
 * Gathers the writes a batch's records make at once into one call (issue 12: every hop batches). A record runs
 * through `track`; a gathered call waits until every record of the batch has either finished or is waiting in a
 * gathered call (of any gatherer of the gate), then each gatherer's `flush` gets all its waiting items at once and
 * answers each its own promise, so one item's failure fails only the records waiting on it. It relies on the
 * batch's records running at once (functions/batch.ts perRecord: Powertools' processInParallel); records run
 * one after another would wait for each other for ever.
 */
export interface BatchGate {
  /** Runs one of the batch's records; its end (success or not) is what lets the waiting records go. */
  track<T>(run: () => Promise<T>): Promise<T>
  /** A gathered call: `flush(items)` answers one promise per item, in order. */
  gather<I, O>(flush: (items: I[]) => Promise<O>[]): (item: I) => Promise<O>
}

type Waiting = { item: unknown; resolve: (o: unknown) => void; reject: (err: unknown) => void }
type Gatherer = { waiting: Waiting[]; flush: (items: unknown[]) => Promise<unknown>[] }

export function batchGate(records: number): BatchGate {
  let finished = 0
  const gatherers: Gatherer[] = []
  const release = () => {
    const parked = gatherers.reduce((n, g) => n + g.waiting.length, 0)
    if (parked === 0 || parked + finished < records) return
    for (const g of gatherers) {
      const batch = g.waiting
      g.waiting = []
      if (batch.length === 0) continue
      let answers: Promise<unknown>[]
      try {
        answers = g.flush(batch.map((w) => w.item))
      } catch (err) {
        answers = batch.map(() => Promise.reject(err))
      }
      batch.forEach((w, i) => {
        answers[i].then(w.resolve, w.reject)
      })
    }
  }
  return {
    async track(run) {
      try {
        return await run()
      } finally {
        finished++
        release()
      }
    },
    gather<I, O>(flush: (items: I[]) => Promise<O>[]) {
      const g: Gatherer = { waiting: [], flush: flush as Gatherer['flush'] }
      gatherers.push(g)
      return (item: I) =>
        new Promise<O>((resolve, reject) => {
          g.waiting.push({ item, resolve: resolve as (o: unknown) => void, reject })
          release()
        })
    },
  }
}
