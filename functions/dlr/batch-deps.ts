import type { Deps } from '../../lib/domain/deps'
import type { OnceEffect, OnceOutcome } from '../../lib/ports'
import { readOnce } from '../read-once'
import { batchGate } from './batch-gate'
import { usageSum } from './usage-sum'

/**
 * The DLR function's view of its dependencies for one batch (issue 12: every hop batches):
 *
 * - Its only queue sends are the nudges of lib/domain/deliver.ts, which tell a node that a delivery waits in
 *   the pending table; the stored item, not the nudge, is what guarantees the delivery (docs/DESIGN.md rule 3),
 *   and a failed nudge is only logged there. So they are gathered and leave, per callback queue, in
 *   SendMessageBatch requests of 10 once the batch's records are done, instead of one request each.
 * - The reads every receipt of an account repeats (the account's refund settings, its receiver sessions) are
 *   made once per batch: a batch lasts well under the session registry's heartbeat and an operator's change.
 * - The records' commits (a state move or MO guard with its stored delivery and usage row, lib/ports/effects.ts)
 *   share one EffectStore.commit per batch, so one transaction per batch (split at 100 items) carries the state
 *   moves, the pending receipts and one summed ADD per usage counter (issue 13 item 9 with issue 12's cost). The
 *   usage of a guarded settle is added once per counter per batch (./usage-sum.ts). Both wait at one gate
 *   (./batch-gate.ts): every record runs through `track`.
 */
export interface BatchDeps {
  deps: Deps
  /** Sends the gathered nudges; a failure is logged, as a failed nudge always was. */
  flush(): Promise<void>
  /** Runs one of the batch's `records` records (./batch-gate.ts). */
  track<T>(run: () => Promise<T>): Promise<T>
}

export function batchDeps(deps: Deps, records: number): BatchDeps {
  const nudges = new Map<string, unknown[]>()
  const { accounts, sessions } = deps.stores
  const account = readOnce<Awaited<ReturnType<typeof accounts.get>>>()
  const receivers = readOnce<Awaited<ReturnType<typeof sessions.list>>>()
  const gate = batchGate(records)
  const { effects } = deps.stores
  const commit = gate.gather<OnceEffect, OnceOutcome>((items) => {
    const all = effects.commit(items)
    return items.map((_, i) => all.then((outcomes) => outcomes[i]))
  })
  return {
    track: gate.track,
    deps: {
      ...deps,
      stores: {
        ...deps.stores,
        accounts: { ...accounts, get: (id) => account(id, () => accounts.get(id)) },
        sessions: { ...sessions, list: (id, nowSec) => receivers(id, () => sessions.list(id, nowSec)) },
        usage: usageSum(deps.stores.usage, gate),
        effects: { commit: (list) => Promise.all(list.map(commit)) },
      },
      queues: {
        ...deps.queues,
        send: async (url, body) => {
          const list = nudges.get(url) ?? []
          list.push(body)
          nudges.set(url, list)
        },
      },
    },
    async flush() {
      await Promise.all(
        [...nudges].map(([url, bodies]) =>
          deps.queues.sendBatch(url, bodies).catch((err) => {
            deps.log.warn('nudges failed; deliveries stay pending', { queueUrl: url, count: bodies.length, err })
          }),
        ),
      )
      nudges.clear()
    },
  }
}
