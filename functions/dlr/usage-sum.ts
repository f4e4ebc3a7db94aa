import type { UsageRow } from '../../lib/domain/model'
import type { UsageStore } from '../../lib/ports'
import type { BatchGate } from './batch-gate'

/**
 * One usage ADD per counter per batch instead of one per receipt (issue 12: sum usage per batch; a batch of
 * one account's DELIVRD receipts for one prefix is 1 write unit, not 10), for the records that still add usage
 * under a USAGE#<id>#<state> guard (lib/domain/settle.ts: a state another path moved; the DLR's own state moves
 * carry their usage in their commit, lib/domain/settle-once.ts). Each waits in `add` at the batch's gate
 * (./batch-gate.ts); then the rows are summed per counter and added, and each waiting record resumes with the
 * outcome of ITS counter's ADD. A failed ADD fails exactly the records it counted: their guards are given back
 * and SQS retries them, so a count is never confirmed without its ADD, nor added twice by a retry.
 */
const counter = (r: UsageRow) => [r.accountId, r.day, r.prefix, r.status].join('\n')

export function usageSum(usage: UsageStore, gate: BatchGate): UsageStore {
  const add = gate.gather<UsageRow, void>((rows) => {
    const sums = new Map<string, { row: UsageRow; done?: Promise<void> }>()
    for (const row of rows) {
      const cur = sums.get(counter(row))
      if (!cur) sums.set(counter(row), { row: { ...row } })
      else {
        cur.row.messages += row.messages
        cur.row.parts += row.parts
        cur.row.cost += row.cost
        cur.row.refunds += row.refunds
      }
    }
    for (const s of sums.values()) s.done = usage.add(s.row)
    return rows.map((row) => sums.get(counter(row))!.done!)
  })
  return { ...usage, add }
}
