import { DispatchRun, dispatchLeaseFor } from '../resources'
import { Status } from '../smpp/status'
import type { Deps } from './deps'
import { epochSec } from './ids'
import type { DispatchJob } from './jobs'
import type { MessageRecord } from './model'
import { settle } from './settle'
import { moveAndSettle } from './settle-once'
import { jobForUpstream } from './shift-reencode'

/**
 * Retry policy, in process: the route's upstreams in priority order, the list twice at most and no
 * more than MaxAttempts sends, with an exponential pause before each retry. The dispatch function's
 * timeout must exceed MaxAttempts x the longest upstream timeoutMs + the pauses (infra sets it).
 */
export const DispatchPolicy = {
  rounds: 2,
  maxAttempts: 4,
  backoffMs: (attempt: number) => Math.min(200 * 2 ** (attempt - 1), 2_000), // 200, 400, 800 ms
  /**
   * The dispatch lease (on the record: MessageStore.leaseDispatch) expires, so a run killed mid-send cannot strand
   * a charged message: `leaseFor` gives it for the job's upstreams (lib/resources.ts dispatchLeaseFor: longer than
   * such a run may last, 300 s for 60 s upstreams) and it stays shorter than the dispatch queue's visibility
   * timeout (six times the deployment's bound, on AWS and locally), so SQS's redelivery finds it free again.
   */
  leaseFor: dispatchLeaseFor,
} as const

export const attemptsFor = (upstreams: number): number => Math.min(upstreams * DispatchPolicy.rounds, DispatchPolicy.maxAttempts)

/**
 * Hands one accepted message to its upstream under a lease on its record (MessageStore.leaseDispatch: attempt
 * `job.attempt`, taken only while ACCEPTED). Success: the upstream's id is recorded and the message is ENROUTE, which
 * stops any later copy of the job. Every attempt failed: UNDELIVERABLE with 0x0446, then refund, usage and receipt as
 * for any final state. A failure before anything reached a carrier gives the lease back at once; a run that dies in
 * between leaves it to expire, and the redelivered job sends again: at least once towards the carrier (a crash
 * between the carrier's answer and the ENROUTE write can repeat a send), never a charged message lost.
 */
export async function dispatchMessage(deps: Deps, job: DispatchJob): Promise<void> {
  const { messages } = deps.stores
  const now = epochSec(deps.now())
  // Issue 12: the lease is one conditional write on the record, which also reads it (the guard item and the read
  // before were two requests and a write unit more). A copy of the job (the submit redelivery re-sends one) drops
  // when the lease is held: the holder's own job stays on the queue until it is done, and comes back after the
  // lease, which is shorter than its visibility.
  const lease = await messages.leaseDispatch(job.messageId, job.attempt, now + (await leaseSec(deps, job)), now)
  if (lease.outcome === 'held') {
    deps.log.info('dispatch already taken', { messageId: job.messageId, attempt: job.attempt })
    return
  }
  if (lease.outcome === 'not-accepted') {
    // Cancelled (cancel_sm), expired, sent already, or given up by an earlier run that crashed before settling.
    deps.log.info('not dispatched', { messageId: job.messageId, state: lease.record?.state })
    if (lease.record?.state === 'UNDELIVERABLE') await settle(deps, lease.record)
    return
  }
  let sent: Awaited<ReturnType<typeof sendWithFailover>>
  try {
    sent = await sendWithFailover(deps, job)
    if (!sent) return await giveUp(deps, job, lease.record)
  } catch (err) {
    await messages.releaseDispatch(job.messageId, job.attempt)
    throw err
  }
  // Queued for the SMPP bind pool: it records the upstream's id and moves the message to ENROUTE.
  if ('queued' in sent) return
  // Sent: a failure from here leaves the lease to expire; the retry then finds the message still ACCEPTED.
  // One write records the upstream's id (the byUpstreamId key receipts are found by) and ENROUTE together:
  // a message update rewrites the item and its index entries, so two of them cost twice (issue 12). Only a
  // message that left ACCEPTED meanwhile (cancel_sm, an early receipt) gets the id on its own, for its receipts.
  // A carrier whose receipts name our id (Upstream.echoesMessageId) needs no index entry: 1 write unit, not 2.
  const { echoesMessageId, ...ids } = sent
  const moved = await messages.transition(job.messageId, ['ACCEPTED'], 'ENROUTE', ids, { indexUpstream: !echoesMessageId })
  if (!moved) await messages.setUpstream(job.messageId, sent.upstreamId, sent.upstreamMessageId)
}

/**
 * The lease for this job: from the longest timeoutMs among its upstreams (read once per batch by the dispatch
 * handler, so sendWithFailover's reads of the same rows cost nothing more); an upstream not configured counts as
 * the longest the API accepts.
 */
async function leaseSec(deps: Deps, job: DispatchJob): Promise<number> {
  const rows = await Promise.all(job.upstreams.map((id) => deps.stores.reference.upstream(id)))
  return DispatchPolicy.leaseFor(Math.max(0, ...rows.map((u) => u?.timeoutMs ?? DispatchRun.maxUpstreamTimeoutMs)))
}

async function sendWithFailover(deps: Deps, job: DispatchJob) {
  const n = job.upstreams.length
  for (let k = 0; k < attemptsFor(n); k++) {
    if (k > 0) await deps.sleep(DispatchPolicy.backoffMs(k))
    const upstreamId = job.upstreams[k % n]
    try {
      const upstream = await deps.stores.reference.upstream(upstreamId)
      if (!upstream) throw new Error(`upstream ${upstreamId} is not configured`)
      // Issue 17: each upstream gets the encoding it accepts (a UCS2 text as GSM 7-bit with its shift tables).
      const result = await deps.connectorFor(upstream).send(upstream, jobForUpstream(job, upstream))
      if ('queued' in result) return { upstreamId, queued: true as const }
      return { upstreamId, upstreamMessageId: result.upstreamMessageId, echoesMessageId: upstream.echoesMessageId === true }
    } catch (err) {
      deps.log.warn('upstream send failed', { messageId: job.messageId, upstreamId, attempt: k, err })
    }
  }
  return undefined
}

/**
 * Every attempt failed: UNDELIVERABLE with 0x0446, its usage row and stored receipt committed with the state move
 * (./settle-once.ts, exactly once), then the refund. A run that dies after that commit leaves the record
 * UNDELIVERABLE, and the redelivered job's settle (above) finds only the refund left.
 */
async function giveUp(deps: Deps, job: DispatchJob, record: MessageRecord): Promise<void> {
  deps.log.warn('undeliverable: every upstream failed', { messageId: job.messageId, upstreams: job.upstreams })
  await moveAndSettle(deps, record, 'UNDELIVERABLE', { errorCode: Status.TransportError, doneAt: deps.now().toISOString() })
}
