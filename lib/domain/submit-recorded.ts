import { Status } from '../smpp/status'
import { dispatchJobFor } from './charge'
import { decideOnce } from './decision'
import type { Deps } from './deps'
import { SmppError } from './errors'
import { recordId } from './ids'
import type { DispatchJob, SubmitJob } from './jobs'
import type { Account } from './model'
import { upstreamsOf } from './pricing'
import { upstreamsForAccount } from './sandbox'

/**
 * Recorded decisions of the submit path (./submit-account.ts decides): the first writer of a record's decision wins,
 * and every later run of the same record (a redelivery, a raced copy, a job past its deadline) repeats what was
 * recorded, with no second charge. Also the batch context both files share.
 */

/** Destination `i` of a job: one record, one decision. */
export interface Slot {
  job: SubmitJob
  i: number
  n: number // the job's place in the group
}

export interface AccountResult {
  /** Per job, a status per destination; undefined when the node's 0x0402 holds destination 0 (drop the job). */
  statuses: (number[] | undefined)[]
  dispatch: DispatchJob[]
  /** Async refusals, sent as REJECTD receipts after the verdicts (not a decision: they may wait). */
  rejects: (Slot & { status: number })[]
  /** Issue 18: jobs adopted as an earlier, unanswered message (by place in the group): answered with its id. */
  adopted: Map<number, string>
}

export interface Ctx {
  deps: Deps
  account?: Account
  earlier: Map<string, { status: number }>
  stopWords: string[]
  memo: Map<string, Promise<unknown>>
  out: AccountResult
}

/** One read per key per batch; a rejection (a refusal) is shared by the records that asked the same. */
export function once<T>(ctx: Pick<Ctx, 'memo'>, key: string, read: () => Promise<T>): Promise<T> {
  let p = ctx.memo.get(key) as Promise<T> | undefined
  if (!p) ctx.memo.set(key, (p = read()))
  return p
}

/** A rule's refusal is recorded once (first writer wins) and answered; anything else propagates. */
export async function refusal(ctx: Ctx, s: Slot, err: unknown): Promise<number> {
  if (!(err instanceof SmppError)) throw err
  const { deps } = ctx
  const messageId = recordId(s.job.messageId, s.i)
  deps.log.info('submit refused', { messageId, status: err.status, reason: err.message })
  const now = deps.now()
  const decided = await decideOnce(deps.stores.ledger, messageId, err.status, now, deps.cfg.retentionDays)
  if (decided.result === 'already-decided') return repeat(ctx, s, decided.decision.status)
  if (s.job.async) ctx.out.rejects.push({ ...s, status: err.status })
  return err.status
}

/**
 * A job past its deadline with no decision read: the node answered 0x0402 at the deadline and recorded it, so
 * this finds that record (or writes it, if the node could not) and repeats it; nothing is charged. Dropping such a
 * job unread lost the dispatch job of a message an earlier run had charged and answered 0 just before it was
 * killed: SQS offers the killed run's jobs after the visibility timeout, always past the deadline (issue 18).
 */
export async function late(ctx: Ctx, s: Slot): Promise<number> {
  const { deps } = ctx
  const decided = await decideOnce(
    deps.stores.ledger,
    recordId(s.job.messageId, s.i),
    Status.NotRegistered,
    deps.now(),
    deps.cfg.retentionDays,
  )
  return decided.result === 'already-decided' ? repeat(ctx, s, decided.decision.status) : Status.NotRegistered
}

/**
 * A redelivered or raced record: repeat the recorded verdict, with no second charge. An accepted
 * record still ACCEPTED and without an upstream may have lost its dispatch job in a crash, so it is
 * sent again; the dispatch lease on the record (lib/domain/dispatch.ts) makes a second copy harmless.
 */
export async function repeat(ctx: Ctx, s: Slot, status: number): Promise<number> {
  if (status !== Status.Ok) {
    if (s.job.async) ctx.out.rejects.push({ ...s, status })
    return status
  }
  const { messages, reference } = ctx.deps.stores
  const record = await messages.get(recordId(s.job.messageId, s.i))
  if (record?.state === 'ACCEPTED' && !record.upstreamId) {
    const plan = ctx.account?.tariffPlan
    const route =
      plan === undefined
        ? undefined
        : await once(ctx, `r|${record.destinationAddr}`, () => reference.routeFor(plan, record.destinationAddr))
    ctx.out.dispatch.push(dispatchJobFor(s.job, s.i, upstreamsForAccount(ctx.account, upstreamsOf(route))))
  }
  return status
}
