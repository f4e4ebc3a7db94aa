import type { DispatchJob } from '../../lib/domain/jobs'
import { backoffMs, canonicalUpstreamId, failoverJob, upstreamGuardKey, verdictOf } from '../../lib/domain/upstream-smpp'
import type { Guards, Log, MessageStore, QueueSender } from '../../lib/ports'
import { type Clock, sleep } from '../session/clock'
import { type BindGroup, NoBind } from './bind-group'
import { outgoingFor } from './segments'

export interface JobDeps {
  messages: MessageStore
  guards: Guards
  queues: QueueSender
  dispatchQueueUrl: string
  groupFor(upstreamId: string): Promise<BindGroup | undefined>
  clock: Clock
  log: Log
  random: () => number
  /** Longest a live pool works on one job; the UPSTREAM# guard is a lease of this length. */
  jobTimeoutMs: number
  /** Resolves when the pool stops: waits end early and the job is handed back to the queue. */
  stopping: Promise<void>
  isStopping(): boolean
}

/** done: delete the SQS message. release: hand it back now (visibility 0). leave: let its visibility run out. */
export type JobOutcome = 'done' | 'release' | 'leave'

type Sent = { type: 'accepted'; upstreamMessageId: string } | { type: 'failover'; reason: string } | { type: 'stopped' }

/**
 * One message through the bind pool, at least once towards the SMSC and recorded once: skipped
 * unless still ACCEPTED (cancelled, or sent by an earlier delivery of the job); sent under the lease
 * UPSTREAM#<messageId>#<attempt>; then ENROUTE with the upstream's id, or failed over to the route's
 * next upstream through the dispatch queue.
 */
export async function processJob(deps: JobDeps, job: DispatchJob): Promise<JobOutcome> {
  const upstreamId = job.upstreams[0]
  const record = await deps.messages.get(job.messageId)
  if (record?.state !== 'ACCEPTED') {
    deps.log.info('not sent upstream', { messageId: job.messageId, state: record?.state })
    return 'done'
  }
  const group = upstreamId === undefined ? undefined : await deps.groupFor(upstreamId)
  if (!group) return failover(deps, job, `upstream ${upstreamId} is not a usable smpp upstream`)
  const key = upstreamGuardKey(job.messageId, job.attempt)
  const leaseEnd = Math.ceil((deps.clock.now() + deps.jobTimeoutMs) / 1000)
  if ((await deps.guards.take(key, leaseEnd)) !== 'taken') {
    deps.log.info('job held by another pool', { messageId: job.messageId, attempt: job.attempt })
    return 'leave'
  }
  let sent: Sent
  try {
    sent = await send(deps, group, job)
  } catch (err) {
    await deps.guards.release(key)
    throw err
  }
  if (sent.type === 'stopped') {
    await deps.guards.release(key)
    return 'release'
  }
  if (sent.type === 'failover') return failover(deps, job, sent.reason)
  // Accepted by the SMSC: from here a failure keeps the lease, and the retries below make the
  // window in which a crash would send the message again as short as the store allows.
  const { upstreamMessageId } = sent
  await persist(deps, () => deps.messages.setUpstream(job.messageId, upstreamId, upstreamMessageId))
  await persist(deps, () => deps.messages.transition(job.messageId, ['ACCEPTED'], 'ENROUTE', { upstreamId, upstreamMessageId }))
  return 'done'
}

async function send(deps: JobDeps, first: BindGroup, job: DispatchJob): Promise<Sent> {
  const { settings } = first
  const outgoing = outgoingFor(job, settings)
  const deadline = deps.clock.now() + deps.jobTimeoutMs
  let group = first
  let retries = 0
  let lastId = ''
  for (let i = 0; i < outgoing.length; ) {
    if (deps.isStopping()) return { type: 'stopped' }
    if (deps.clock.now() >= deadline) return { type: 'failover', reason: `not accepted within ${deps.jobTimeoutMs} ms` }
    // A group that has been down for failoverAfterMs fails over at once; a bound but busy one is waited for.
    const waitUntil = group.bound > 0 ? deps.clock.now() + settings.failoverAfterMs : group.downSince + settings.failoverAfterMs
    try {
      const resp = await group.submit(outgoing[i].body, outgoing[i].parts, Math.min(waitUntil, deadline))
      const verdict = verdictOf(resp.status)
      if (verdict === 'accepted') {
        lastId = String(resp.body.messageId ?? '')
        i++
        continue
      }
      if (verdict === 'failover') return { type: 'failover', reason: `submit_sm_resp 0x${resp.status.toString(16).padStart(8, '0')}` }
      deps.log.info('upstream busy, retrying', {
        messageId: job.messageId,
        upstreamId: group.upstream.upstreamId,
        status: resp.status,
        retries,
      })
    } catch (err) {
      if (deps.isStopping()) return { type: 'stopped' }
      if (err instanceof NoBind && group.bound === 0) return { type: 'failover', reason: `no bind for ${settings.failoverAfterMs} ms` }
      // Link lost or no response: unknown whether the SMSC took it; it is sent again on a live bind.
      if (!(err instanceof NoBind)) deps.log.warn('submit_sm without response', { messageId: job.messageId, part: i, err })
    }
    if (++retries > settings.retry.max) return { type: 'failover', reason: `still failing after ${settings.retry.max} retries` }
    await Promise.race([deps.stopping, sleep(deps.clock, backoffMs(retries - 1, settings.retry, deps.random))])
    group = (await deps.groupFor(group.upstream.upstreamId)) ?? group
  }
  return { type: 'accepted', upstreamMessageId: canonicalUpstreamId(lastId, 'submit', settings.messageIdType) }
}

async function failover(deps: JobDeps, job: DispatchJob, reason: string): Promise<JobOutcome> {
  const next = failoverJob(job)
  deps.log.warn('upstream failover', {
    messageId: job.messageId,
    from: job.upstreams[0],
    to: next.upstreams[0] ?? 'none (undeliverable)',
    reason,
  })
  await deps.queues.send(deps.dispatchQueueUrl, next)
  return 'done'
}

// A few quick retries of a store write whose effect already happened upstream.
async function persist(deps: JobDeps, write: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await write()
      return
    } catch (err) {
      if (attempt >= 5) throw err
      deps.log.warn('store write after submit_sm_resp failed, retrying', { attempt, err })
      await sleep(deps.clock, 100 * 2 ** attempt)
    }
  }
}
