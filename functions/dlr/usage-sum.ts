import type { UsageRow } from '../../lib/domain/model'
import type { UsageStore } from '../../lib/ports'

/**
 * One usage ADD per counter per batch instead of one per receipt (issue 12: sum usage per batch; a batch of
 * one account's DELIVRD receipts for one prefix is 1 write unit, not 10). Each record still takes its own
 * USAGE#<id>#<state> guard (lib/domain/settle.ts) and waits in `add` until every record of the batch has either
 * finished or is waiting too; then the rows are summed per counter and added, and each waiting record resumes
 * with the outcome of ITS counter's ADD. A failed ADD fails exactly the records it counted: their guards are
 * given back and SQS retries them, so a count is never confirmed without its ADD, nor added twice by a retry.
 * It relies on the batch's records running at once (functions/batch.ts perRecord: Powertools' processInParallel);
 * records run one after another would wait for each other for ever.
 */
export interface UsageSum {
  usage: UsageStore
  /** Runs one record; its end (success or not) is what lets the waiting records go. */
  track<T>(run: () => Promise<T>): Promise<T>
}

type Waiting = { row: UsageRow; resolve: () => void; reject: (err: unknown) => void }

const counter = (r: UsageRow) => [r.accountId, r.day, r.prefix, r.status].join('\n')

export function usageSum(usage: UsageStore, records: number): UsageSum {
  let finished = 0
  let waiting: Waiting[] = []
  const flush = () => {
    if (waiting.length === 0 || waiting.length + finished < records) return
    const byCounter = new Map<string, Waiting[]>()
    for (const w of waiting) byCounter.set(counter(w.row), [...(byCounter.get(counter(w.row)) ?? []), w])
    waiting = []
    for (const group of byCounter.values()) {
      const sum = { ...group[0].row }
      for (const { row } of group.slice(1)) {
        sum.messages += row.messages
        sum.parts += row.parts
        sum.cost += row.cost
        sum.refunds += row.refunds
      }
      usage.add(sum).then(
        () => {
          for (const w of group) w.resolve()
        },
        (err) => {
          for (const w of group) w.reject(err)
        },
      )
    }
  }
  return {
    usage: {
      ...usage,
      add: (row) =>
        new Promise<void>((resolve, reject) => {
          waiting.push({ row, resolve, reject })
          flush()
        }),
    },
    async track(run) {
      try {
        return await run()
      } finally {
        finished++
        flush()
      }
    },
  }
}
