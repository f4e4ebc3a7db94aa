import type { Charge, ChargeResult } from '../ports'
import { Status } from '../smpp/status'
import { adoptions } from './adoption-submit'
import { chargeFor, dispatchJobFor } from './charge'
import { checkBlacklist, checkStopWords } from './content'
import { decideOnce, isPastDeadline } from './decision'
import { messageTimes } from './deferral'
import type { Deps } from './deps'
import { Duplicate, InsufficientFunds, SmppError } from './errors'
import { recordId } from './ids'
import type { DispatchJob, SubmitJob } from './jobs'
import type { Account } from './model'
import { type Quote, quote, upstreamsOf } from './pricing'
import { upstreamsForAccount } from './sandbox'
import { type Billing, billingFor, mayReencode } from './shift-reencode'

/** The account is gone or disabled since the bind: the submit fails (ESME_RSUBMITFAIL), it is not retried. */
export class AccountUnavailable extends SmppError {
  constructor(accountId: string) {
    super(Status.SubmitFail, `account ${accountId} is missing or disabled`)
  }
}

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

interface Ctx {
  deps: Deps
  account?: Account
  earlier: Map<string, { status: number }>
  stopWords: string[]
  memo: Map<string, Promise<unknown>>
  out: AccountResult
}

/**
 * Decides every job of ONE account in a batch (docs/PIPELINE.md "Charging a batch"): the account,
 * its earlier decisions and its stop words are read once, blacklist and price once per distinct
 * address, and the accepted records are charged together by `ledger.chargeBatch`. Destinations 0
 * go first: the node's 0x0402 on one stops its job before any other destination of it is charged.
 */
export async function decideAccount(deps: Deps, accountId: string, jobs: SubmitJob[]): Promise<AccountResult> {
  const { ledger, accounts, reference } = deps.stores
  const ids = jobs.flatMap((job) => job.destinations.map((_, i) => recordId(job.messageId, i)))
  // The node registry is read beside the account's reads, not after them (issue 18: one Query per batch).
  const registry = deps.stores.nodes.list()
  registry.catch(() => {}) // awaited in adoptions; a failure there fails the group like any read
  const memo = new Map<string, Promise<unknown>>()
  const [account, earlier, stopWords] = await Promise.all([
    accounts.get(accountId).then((a) => prefetch(deps, memo, a, jobs)),
    ledger.decisions(ids),
    reference.stopWords(accountId),
  ])
  // A job past its deadline was answered by the node already (0x0402, or the verdict of an earlier run of this
  // job): it is never adopted nor newly charged, only its recorded decision repeated (decideRound).
  const now = deps.now().getTime()
  const timely = jobs.flatMap((job, n) => (isPastDeadline(job, now) ? [] : [n]))
  const found = await adoptions(
    deps,
    timely.map((n) => jobs[n]),
    earlier,
    registry,
  )
  const adopted = new Map([...found].map(([k, id]) => [timely[k], id]))
  const out: AccountResult = { statuses: jobs.map((_, n) => (adopted.has(n) ? [Status.Ok] : [])), dispatch: [], rejects: [], adopted }
  const ctx: Ctx = { deps, account, earlier, stopWords, memo, out }
  await decideRound(
    ctx,
    jobs.flatMap((job, n) => (adopted.has(n) ? [] : [{ job, i: 0, n }])),
  )
  jobs.forEach((job, n) => {
    if (!job.async && out.statuses[n]?.[0] === Status.NotRegistered) out.statuses[n] = undefined
  })
  const rest = jobs.flatMap((job, n) => (out.statuses[n] ? job.destinations.slice(1).map((_, k) => ({ job, i: k + 1, n })) : []))
  if (rest.length > 0) await decideRound(ctx, rest)
  return out
}

async function decideRound(ctx: Ctx, slots: Slot[]): Promise<void> {
  const { deps } = ctx
  const pending: { slot: Slot; charge: Charge; q: Quote }[] = []
  const set = (s: Slot, status: number) => {
    ctx.out.statuses[s.n]![s.i] = status
  }
  await Promise.all(
    slots.map(async (s) => {
      const earlier = ctx.earlier.get(recordId(s.job.messageId, s.i))
      if (earlier) return set(s, await repeat(ctx, s, earlier.status))
      if (isPastDeadline(s.job, deps.now().getTime())) return set(s, await late(ctx, s))
      try {
        const q = await check(ctx, s)
        // schedule_delivery_time and validity_period (issue 14): a bad one is refused like any rule.
        const times = messageTimes(ctx.account!, s.job, new Date(s.job.receivedAt), deps.now())
        // Issue 17: billed at the parts the first upstream receives (a UCS2 text re-encoded with its shift tables).
        const billing = await billed(ctx, s.job, q)
        const charge = chargeFor({ ...s.job, parts: billing.parts }, s.i, ctx.account!, q, deps.now(), deps.cfg.retentionDays, times)
        if (billing.partsSaved > 0) charge.message.partsSaved = billing.partsSaved
        pending.push({ slot: s, q, charge })
      } catch (err) {
        set(s, await refusal(ctx, s, err))
      }
    }),
  )
  if (pending.length === 0) return
  const results = await deps.stores.ledger.chargeBatch(pending.map((p) => p.charge))
  await Promise.all(pending.map(async (p, k) => set(p.slot, await settle(ctx, p.slot, p.q, results[k], p.charge))))
}

async function settle(ctx: Ctx, s: Slot, q: Quote, charged: ChargeResult, charge: Charge): Promise<number> {
  switch (charged.result) {
    case 'charged':
      // A scheduled message waits in the due index with its job (lib/domain/due.ts releases it at its time).
      if (charge.message.state !== 'SCHEDULED') ctx.out.dispatch.push(dispatchJobFor(s.job, s.i, q.upstreams))
      return Status.Ok
    case 'already-decided': // a concurrent copy or the node's deadline won the decision guard
      return repeat(ctx, s, charged.decision.status)
    case 'insufficient-funds':
      return refusal(ctx, s, new InsufficientFunds(s.job.accountId))
    case 'duplicate':
      return refusal(ctx, s, new Duplicate())
  }
}

/** The rules in the order; each memoised read is shared by the batch's records. */
async function check(ctx: Ctx, { job, i }: Slot): Promise<Quote> {
  const { reference } = ctx.deps.stores
  const destination = job.destinations[i].addr
  if (!ctx.account?.enabled) throw new AccountUnavailable(job.accountId)
  checkStopWords(job.text, ctx.stopWords)
  const hits = await once(ctx, `bl|${job.sourceAddr}|${destination}`, () =>
    reference.blacklistHits(job.accountId, job.sourceAddr, destination),
  )
  checkBlacklist(hits, job.sourceAddr, destination)
  const account = ctx.account
  return once(ctx, `q|${destination}`, () => quote(reference, account, destination))
}

/** The job's billing towards the route's first upstream; its row is read only for a job that may be re-encoded. */
async function billed(ctx: Ctx, job: SubmitJob, q: Quote): Promise<Billing> {
  if (!mayReencode(job)) return { parts: job.parts, partsSaved: 0 }
  const first = q.upstreams[0]
  const upstream = await once(ctx, `u|${first}`, () => ctx.deps.stores.reference.upstream(first))
  return billingFor(job, upstream)
}

/** One read per key per batch; a rejection (a refusal) is shared by the records that asked the same. */
function once<T>(ctx: Pick<Ctx, 'memo'>, key: string, read: () => Promise<T>): Promise<T> {
  let p = ctx.memo.get(key) as Promise<T> | undefined
  if (!p) ctx.memo.set(key, (p = read()))
  return p
}

/**
 * Issue 12 (one DynamoDB round trip less per batch): the blacklist and price reads of every destination
 * start as soon as the account is read, beside the decisions and stop words, instead of after them. `check`
 * then finds them in the memo and still judges in the rules' order; a read whose record is refused earlier
 * (stop word, disabled account) is a wasted read, never a different verdict. Returns the account.
 */
function prefetch(deps: Deps, memo: Ctx['memo'], account: Account | undefined, jobs: SubmitJob[]): Account | undefined {
  if (!account?.enabled) return account
  const { reference } = deps.stores
  for (const job of jobs)
    for (const { addr } of job.destinations) {
      once({ memo }, `bl|${job.sourceAddr}|${addr}`, () => reference.blacklistHits(job.accountId, job.sourceAddr, addr))
      once({ memo }, `q|${addr}`, () => quote(reference, account, addr))
    }
  // A refusal (a rejected read) is awaited by `check`; until then it must not count as unhandled.
  for (const p of memo.values()) p.catch(() => {})
  return account
}

/** A rule's refusal is recorded once (first writer wins) and answered; anything else propagates. */
async function refusal(ctx: Ctx, s: Slot, err: unknown): Promise<number> {
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
async function late(ctx: Ctx, s: Slot): Promise<number> {
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
 * sent again; the dispatch guard (DISPATCH#<id>#0) makes a second copy harmless.
 */
async function repeat(ctx: Ctx, s: Slot, status: number): Promise<number> {
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
