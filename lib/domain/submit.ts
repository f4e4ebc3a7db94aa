import { Status } from '../smpp/status'
import { chargeFor, dispatchJobFor, receiptText } from './charge'
import { checkBlacklist, checkStopWords } from './content'
import { decideOnce, isPastDeadline } from './decision'
import { deliverToAccount } from './deliver'
import type { Deps } from './deps'
import { Duplicate, InsufficientFunds, SmppError } from './errors'
import { GuardKey, recordId } from './ids'
import type { DispatchJob, SubmitJob } from './jobs'
import { quote } from './pricing'
import { receiptDeliver } from './receipts'
import { guarded } from './settle'
import { type UnsuccessSme, type Verdict, verdictOf } from './verdict'

/** The account is gone or disabled since the bind: the submit fails (ESME_RSUBMITFAIL), it is not retried. */
export class AccountUnavailable extends SmppError {
  constructor(accountId: string) {
    super(Status.SubmitFail, `account ${accountId} is missing or disabled`)
  }
}

/**
 * Decides one submit job (docs/PIPELINE.md): deadline, earlier decision, content, price, charge,
 * accept. A refusal (an SmppError) becomes a verdict, recorded once so a redelivery repeats it;
 * anything else propagates so the handler reports the record as failed, and nothing was charged
 * (the charge is one transaction). Returns the verdict sent, or undefined when none is due.
 */
export async function submitMessage(deps: Deps, job: SubmitJob): Promise<Verdict | undefined> {
  if (isPastDeadline(job, deps.now().getTime())) {
    // The node answered 0x0402 at its deadline; charging now would bill a message the client was told failed.
    deps.log.warn('submit past its deadline dropped', { messageId: job.messageId, deadline: job.deadline })
    return undefined
  }
  const statuses: number[] = []
  const dispatch: DispatchJob[] = []
  for (let i = 0; i < job.destinations.length; i++) {
    const status = await decideOne(deps, job, i, dispatch)
    // The node's own 0x0402 on the first record means it gave up on the whole job: nothing more is charged.
    if (i === 0 && status === Status.NotRegistered && !job.async) return undefined
    statuses.push(status)
  }
  const verdict = verdictOf(job, statuses)
  // The client waits for the verdict, the carrier does not: answer first. Should the dispatch send fail,
  // the record is retried: `repeat` answers the same verdict again (a node ignores one it already answered)
  // and re-sends the dispatch job of an accepted record with no upstream.
  // An async account was answered 0 at once; its refusals travel as REJECTD receipts instead.
  if (!job.async) await deps.queues.send(job.replyTo, verdict)
  for (const d of dispatch) await deps.queues.send(deps.cfg.queues.dispatch, d)
  return verdict
}

async function decideOne(deps: Deps, job: SubmitJob, i: number, dispatch: DispatchJob[]): Promise<number> {
  const { ledger, accounts, reference } = deps.stores
  const id = recordId(job.messageId, i)
  const destination = job.destinations[i].addr
  // The reads are independent, so they go out together; the rules below still judge them in the order.
  const [earlier, account, stopWords, hits] = await Promise.all([
    ledger.decision(id),
    accounts.get(job.accountId),
    reference.stopWords(job.accountId),
    reference.blacklistHits(job.accountId, job.sourceAddr, destination),
  ])
  if (earlier) return repeat(deps, job, i, earlier.status)
  try {
    if (!account?.enabled) throw new AccountUnavailable(job.accountId)
    checkStopWords(job.text, stopWords)
    checkBlacklist(hits, job.sourceAddr, destination)
    const q = await quote(reference, account, destination)
    const charged = await ledger.chargeOnce(chargeFor(job, i, account, q, deps.now(), deps.cfg.retentionDays))
    switch (charged.result) {
      case 'charged':
        dispatch.push(dispatchJobFor(job, i, q.upstreams))
        return Status.Ok
      case 'already-decided': // a concurrent copy or the node's deadline won the decision guard
        return repeat(deps, job, i, charged.decision.status)
      case 'insufficient-funds':
        throw new InsufficientFunds(account.accountId)
      case 'duplicate':
        throw new Duplicate()
    }
  } catch (err) {
    if (!(err instanceof SmppError)) throw err
    deps.log.info('submit refused', { messageId: id, status: err.status, reason: err.message })
    return refuse(deps, job, i, err.status)
  }
}

/** Record the refusal once (first writer wins), then answer whatever was recorded. */
async function refuse(deps: Deps, job: SubmitJob, i: number, status: number): Promise<number> {
  const now = deps.now()
  const messageId = recordId(job.messageId, i)
  const decided = await decideOnce(deps.stores.ledger, messageId, status, now, deps.cfg.retentionDays)
  if (decided.result === 'already-decided') return repeat(deps, job, i, decided.decision.status)
  if (job.async) await rejectAsync(deps, job, i, status)
  return status
}

/**
 * A redelivered or raced job: repeat the recorded verdict, with no second charge. An accepted record
 * still ACCEPTED and without an upstream may have lost its dispatch job in a crash, so it is sent
 * again; the dispatch guard (DISPATCH#<id>#0) makes a second copy harmless.
 */
async function repeat(deps: Deps, job: SubmitJob, i: number, status: number): Promise<number> {
  if (status !== Status.Ok) {
    if (job.async) await rejectAsync(deps, job, i, status)
    return status
  }
  const record = await deps.stores.messages.get(recordId(job.messageId, i))
  if (record?.state === 'ACCEPTED' && !record.upstreamId) {
    const account = await deps.stores.accounts.get(job.accountId)
    const route = account && (await deps.stores.reference.routeFor(account.tariffPlan, record.destinationAddr))
    const upstreams = [...(route?.upstreams ?? [])].sort((a, b) => a.priority - b.priority).map((u) => u.upstreamId)
    await deps.queues.send(deps.cfg.queues.dispatch, dispatchJobFor(job, i, upstreams))
  }
  return status
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
