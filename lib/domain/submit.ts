import { queueUrl } from '../config'
import { QueueGone } from '../ports'
import { receiptText } from './charge'
import { isPastDeadline, PollsDecision } from './decision'
import { deliverToAccount } from './deliver'
import type { Deps } from './deps'
import { clientMessageId, GuardKey, recordId } from './ids'
import type { DispatchJob, SubmitJob } from './jobs'
import { receiptDeliver } from './receipts'
import { guarded } from './settle'
import { decideAccount, type Slot } from './submit-account'
import { type UnsuccessSme, type Verdict, verdictOf } from './verdict'
import { bundleVerdicts } from './verdict-bundle'

export { AccountUnavailable } from './submit-account'

/** A job's outcome in a batch: its verdict (undefined when none is due), or the error that fails its record. */
export type SubmitOutcome = { verdict?: Verdict } | { error: unknown }

/**
 * Decides a batch of submit jobs (docs/PIPELINE.md "Charging a batch"): each account's jobs together
 * (decideAccount), then the verdicts, bundled, one sendBatch per reply queue, as soon as all are decided; then
 * the dispatch jobs; then the async refusals' REJECTD receipts. A refusal is a verdict; anything else
 * fails only the records it touched: one account's group, one reply queue, and SQS redelivers them,
 * where the recorded decisions repeat the same verdicts without a second charge.
 */
export async function submitBatch(deps: Deps, jobs: SubmitJob[]): Promise<SubmitOutcome[]> {
  const outcomes: SubmitOutcome[] = jobs.map(() => ({}))
  const fail = (n: number, error: unknown) => {
    if (!('error' in outcomes[n])) outcomes[n] = { error }
  }
  const first = new Map<string, number>() // a job SQS delivered twice in one batch is decided once
  const byAccount = new Map<string, number[]>()
  jobs.forEach((job, n) => {
    // Past its deadline (decideAccount: a recorded decision is repeated, nothing new is charged).
    if (isPastDeadline(job, deps.now().getTime())) deps.log.info('submit past its deadline', { messageId: job.messageId })
    if (first.has(job.messageId)) return
    first.set(job.messageId, n)
    byAccount.set(job.accountId, [...(byAccount.get(job.accountId) ?? []), n])
  })
  const dispatch: DispatchJob[] = []
  const rejects: (Slot & { status: number })[] = []
  await Promise.all(
    [...byAccount].map(async ([accountId, ns]) => {
      try {
        const out = await decideAccount(
          deps,
          accountId,
          ns.map((n) => jobs[n]),
        )
        out.statuses.forEach((statuses, k) => {
          if (statuses) outcomes[ns[k]] = { verdict: verdictOf(jobs[ns[k]], statuses, out.adopted.get(k)) }
        })
        dispatch.push(...out.dispatch)
        rejects.push(...out.rejects)
      } catch (err) {
        for (const n of ns) fail(n, err) // this account's records only; the others' verdicts still go out
      }
    }),
  )
  const failIds = (ids: string[], err: unknown) => {
    for (const id of ids) fail(first.get(clientMessageId(id))!, err)
  }
  // The client waits for the verdict, the carrier does not: answer first. Should a later send fail, the
  // record is retried: `repeat` answers the same verdict again (a node ignores one it already answered)
  // and re-sends the dispatch job of an accepted record with no upstream.
  const byReply = new Map<string, Verdict[]>()
  for (const [, n] of first) {
    const o = outcomes[n]
    if (jobs[n].async || jobs[n].replyTo === PollsDecision || !('verdict' in o) || !o.verdict) continue
    byReply.set(jobs[n].replyTo, [...(byReply.get(jobs[n].replyTo) ?? []), o.verdict])
  }
  // Issue 16: a reply queue's verdicts travel bundled, one callback message for the lot (verdict-bundle.ts).
  await Promise.all(
    [...byReply].map(([url, verdicts]) =>
      deps.queues.sendBatch(url, bundleVerdicts(verdicts)).catch((err) =>
        // Issue 18, item 4: the node drained and deleted its queue. Nobody can answer these; they stay unanswered
        // (adoptable by the client's re-send) and go on to the carrier, rather than failing into the DLQ unsent.
        err instanceof QueueGone
          ? deps.log.warn('verdicts for a node that is gone', { queueUrl: url, messageIds: verdicts.map((v) => v.messageId) })
          : failIds(
              verdicts.map((v) => v.messageId),
              err,
            ),
      ),
    ),
  )
  // A record whose verdict could not be sent is retried whole; its retry sends its dispatch job.
  const toDispatch = dispatch.filter((d) => !('error' in outcomes[first.get(clientMessageId(d.messageId))!]))
  if (toDispatch.length > 0)
    await deps.queues.sendBatch(queueUrl(deps.cfg, 'dispatch'), toDispatch).catch((err) =>
      failIds(
        toDispatch.map((d) => d.messageId),
        err,
      ),
    )
  // An async account was answered 0 at once; its refusals travel as REJECTD receipts, once per record.
  await Promise.all(rejects.map((r) => rejectAsync(deps, r.job, r.i, r.status).catch((err) => fail(first.get(r.job.messageId)!, err))))
  jobs.forEach((job, n) => {
    const f = first.get(job.messageId)
    if (f !== undefined && f !== n) outcomes[n] = outcomes[f]
  })
  return outcomes
}

/** One job alone: its verdict, or the error that fails its record (a batch of one). */
export async function submitMessage(deps: Deps, job: SubmitJob): Promise<Verdict | undefined> {
  const [outcome] = await submitBatch(deps, [job])
  if ('error' in outcome) throw outcome.error
  return outcome.verdict
}

/** Asynchronous refusal: a receipt with stat:REJECTD and the platform code in err: (once per record). */
async function rejectAsync(deps: Deps, job: SubmitJob, i: number, status: number): Promise<void> {
  const messageId = recordId(job.messageId, i)
  const deliver = receiptDeliver({
    messageId: job.messageId,
    sourceAddr: job.sourceAddr,
    destinationAddr: job.destinations[i].addr,
    submitDate: new Date(job.receivedAt),
    doneDate: deps.now(),
    state: 'REJECTED',
    err: status,
    text: receiptText(job.text),
  })
  const key = GuardKey.receipt(messageId, 'REJECTED')
  await guarded(deps, key, () => deliverToAccount(deps, job.accountId, key, deliver))
}

export type { UnsuccessSme, Verdict }
