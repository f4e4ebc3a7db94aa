import { queueUrl } from '../config'
import { type DueAction, dueAction, nextDueAt } from './deferral'
import type { Deps } from './deps'
import { GuardKey, utcDay } from './ids'
import type { DispatchJob } from './jobs'
import type { MessageRecord } from './model'
import { guarded, settle } from './settle'
import { moveAndSettle } from './settle-once'

/** Records one sweep takes at most (per shard of the byDue index); the next pass takes the rest. */
export const SweepLimit = 100

export type SweepCounts = Partial<Record<DueAction | 'failed', number>>

/**
 * One pass of the due-time sweep (docs/PIPELINE.md "Scheduled and expiring messages"): every record whose dueAt has
 * come, by dueAction. Each step is a conditional write on the record, so two sweeps at once, or a pass repeated after
 * a crash, do each effect once: a release moves SCHEDULED -> ACCEPTED before its job is sent, an expiry keeps its
 * dueAt until settle ran (refund, usage and receipt each have their own guard), and a replace's difference is one
 * ledger entry per replace (credit's entryId). Run every minute on AWS (EventBridge) and every second locally.
 */
export async function sweepDue(deps: Deps, limit = SweepLimit): Promise<SweepCounts> {
  const now = deps.now()
  const due = await deps.stores.messages.due(now.toISOString(), limit)
  const counts: SweepCounts = {}
  const release: DispatchJob[] = []
  await Promise.all(
    due.map(async (m) => {
      const action = dueAction(m, now)
      try {
        const job = await run(deps, m, action, now)
        if (job) release.push(job)
        counts[action] = (counts[action] ?? 0) + 1
      } catch (err) {
        // Left due: the next pass tries it again.
        deps.log.error('due sweep step failed', { messageId: m.messageId, action, err })
        counts.failed = (counts.failed ?? 0) + 1
      }
    }),
  )
  // A lost send is found again at the recheck (resend); the dispatch lease on the record makes a second copy harmless.
  if (release.length > 0) await deps.queues.sendBatch(queueUrl(deps.cfg, 'dispatch'), release)
  if (due.length > 0) deps.log.info('due sweep', { ...counts })
  return counts
}

async function run(deps: Deps, m: MessageRecord, action: DueAction, now: Date): Promise<DispatchJob | undefined> {
  const { messages } = deps.stores
  const next = nextDueAt(m, action, now)
  switch (action) {
    case 'adjust':
      await adjust(deps, m)
      await messages.amend(m.messageId, { adjust: undefined, dueAt: next }, { states: [m.state], replaced: m.replaced ?? 0 })
      return undefined
    case 'settle':
      await settle(deps, m)
      await messages.amend(m.messageId, { dueAt: undefined }, { states: [m.state] })
      return undefined
    case 'expire':
      // The move leaves the due index and commits its usage row and stored receipt with it (./settle-once.ts,
      // exactly once); then the refund. Not moved: a receipt or a cancel won the race and settles its own state.
      await moveAndSettle(deps, m, 'EXPIRED', { doneAt: now.toISOString() })
      return undefined
    case 'release': {
      const moved = await messages.transition(m.messageId, ['SCHEDULED'], 'ACCEPTED', { dueAt: next })
      return moved?.deferred
    }
    case 'resend': {
      const amended = await messages.amend(m.messageId, { dueAt: next }, { states: ['ACCEPTED'] })
      return amended?.upstreamId ? undefined : amended?.deferred
    }
    case 'wait':
    case 'park':
      await messages.amend(m.messageId, { dueAt: next }, { states: [m.state] })
      return undefined
  }
}

/** A replace_sm's price difference: one ledger entry per replace (the balance moves with it) and its usage counters. */
async function adjust(deps: Deps, m: MessageRecord): Promise<void> {
  const { cost, parts } = m.adjust!
  const n = m.replaced ?? 0
  if (cost !== 0)
    await deps.stores.accounts.credit({
      accountId: m.accountId,
      entryId: `replace-${m.messageId}-${n}`,
      at: deps.now().toISOString(),
      kind: 'adjustment',
      amount: -cost,
      messageId: m.messageId,
      note: `replace_sm ${n}: ${cost > 0 ? 'charged' : 'refunded'} the difference`,
    })
  await guarded(deps, GuardKey.usage(m.messageId, `REPLACED${n}`), () =>
    deps.stores.usage.add({
      accountId: m.accountId,
      day: utcDay(m.createdAt),
      prefix: m.tariffPrefix,
      country: m.country,
      status: 'CHARGED',
      messages: 0,
      parts,
      cost,
      refunds: 0,
    }),
  )
}
