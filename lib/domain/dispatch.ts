import { Status } from '../smpp/status'
import type { Deps } from './deps'
import { addHours, epochSec, GuardKey } from './ids'
import type { DispatchJob } from './jobs'
import { settle } from './settle'

/**
 * Retry policy, in process: the route's upstreams in priority order, the list twice at most and no
 * more than MaxAttempts sends, with an exponential pause before each retry. The dispatch function's
 * timeout must exceed MaxAttempts x the longest upstream timeoutMs + the pauses (infra sets it).
 */
export const DispatchPolicy = {
  rounds: 2,
  maxAttempts: 4,
  backoffMs: (attempt: number) => Math.min(200 * 2 ** (attempt - 1), 2_000), // 200, 400, 800 ms
} as const

export const attemptsFor = (upstreams: number): number => Math.min(upstreams * DispatchPolicy.rounds, DispatchPolicy.maxAttempts)

/**
 * Hands one accepted message to its upstream, once (guard DISPATCH#<messageId>#<attempt>). Success:
 * the upstream's id is recorded and the message is ENROUTE. Every attempt failed: UNDELIVERABLE with
 * 0x0446, then refund, usage and receipt as for any final state. Until something has reached a
 * carrier, a failure gives the guard back so the SQS retry may try again; after that it never does
 * (a message is sent at most once).
 */
export async function dispatchMessage(deps: Deps, job: DispatchJob): Promise<void> {
  const { guards, messages } = deps.stores
  const key = GuardKey.dispatch(job.messageId, job.attempt)
  if (!(await guards.once(key, epochSec(addHours(deps.now(), deps.cfg.retentionDays * 24))))) {
    deps.log.info('dispatch already taken', { messageId: job.messageId, attempt: job.attempt })
    return
  }
  let sent: Awaited<ReturnType<typeof sendWithFailover>>
  try {
    const record = await messages.get(job.messageId)
    if (record?.state !== 'ACCEPTED') {
      // Cancelled (cancel_sm), expired, or given up by an earlier run that crashed before settling.
      deps.log.info('not dispatched', { messageId: job.messageId, state: record?.state })
      if (record?.state === 'UNDELIVERABLE') await settle(deps, record)
      return
    }
    sent = await sendWithFailover(deps, job)
    if (!sent) return await giveUp(deps, job)
  } catch (err) {
    await guards.release(key)
    throw err
  }
  // Queued for the SMPP bind pool: it records the upstream's id and moves the message to ENROUTE.
  if ('queued' in sent) return
  // Sent: from here a failure keeps the guard, or the retry would send the message twice.
  await messages.setUpstream(job.messageId, sent.upstreamId, sent.upstreamMessageId)
  await messages.transition(job.messageId, ['ACCEPTED'], 'ENROUTE', sent)
}

async function sendWithFailover(deps: Deps, job: DispatchJob) {
  const n = job.upstreams.length
  for (let k = 0; k < attemptsFor(n); k++) {
    if (k > 0) await deps.sleep(DispatchPolicy.backoffMs(k))
    const upstreamId = job.upstreams[k % n]
    try {
      const upstream = await deps.stores.reference.upstream(upstreamId)
      if (!upstream) throw new Error(`upstream ${upstreamId} is not configured`)
      const result = await deps.connectorFor(upstream).send(upstream, job)
      return 'queued' in result ? { upstreamId, queued: true as const } : { upstreamId, upstreamMessageId: result.upstreamMessageId }
    } catch (err) {
      deps.log.warn('upstream send failed', { messageId: job.messageId, upstreamId, attempt: k, err })
    }
  }
  return undefined
}

async function giveUp(deps: Deps, job: DispatchJob): Promise<void> {
  const doneAt = deps.now().toISOString()
  const moved = await deps.stores.messages.transition(job.messageId, ['ACCEPTED'], 'UNDELIVERABLE', {
    errorCode: Status.TransportError,
    doneAt,
  })
  deps.log.warn('undeliverable: every upstream failed', { messageId: job.messageId, upstreams: job.upstreams })
  if (moved) await settle(deps, moved)
}
