import type { Charge, ChargeResult } from '../ports'
import { Status } from '../smpp/status'
import { adoptions } from './adoption-submit'
import { chargeFor, dispatchJobFor } from './charge'
import { checkBlacklist, checkStopWords } from './content'
import { isPastDeadline } from './decision'
import { messageTimes } from './deferral'
import type { Deps } from './deps'
import { Duplicate, InsufficientFunds, SmppError } from './errors'
import { recordId } from './ids'
import type { SubmitJob } from './jobs'
import type { Account } from './model'
import { type Quote, quote } from './pricing'
import { type Billing, billingFor, mayReencode } from './shift-reencode'
import { type AccountResult, type Ctx, late, once, refusal, repeat, type Slot } from './submit-recorded'

export type { Slot } from './submit-recorded'

/** The account is gone or disabled since the bind: the submit fails (ESME_RSUBMITFAIL), it is not retried. */
export class AccountUnavailable extends SmppError {
  constructor(accountId: string) {
    super(Status.SubmitFail, `account ${accountId} is missing or disabled`)
  }
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
