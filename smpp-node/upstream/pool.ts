import { parseDispatchJob } from '../../lib/domain/parse'
import type { Log, QueueConsumer, QueueSender, ReceivedMessage, Stores } from '../../lib/ports'
import type { SecretSource } from '../../lib/ports/secrets'
import { Queues } from '../../lib/resources'
import { type Clock, sleep } from '../session/clock'
import { UpstreamGroups } from './groups'
import { type JobDeps, processJob } from './job'

export interface UpstreamPoolOptions {
  /** Jobs held at once (each waits for its submit_sm_resp); the receive loop pauses above it. */
  maxInFlight: number
  receiveWaitSec: number
  /** Visibility of a held job, renewed at half of it while the job is worked on. */
  visibilitySec: number
  jobTimeoutMs: number
  refreshMs: number
  /** Pause after a failed receive (SQS unreachable), so the loop never spins. */
  errorPauseMs: number
  /** On stop, how long jobs with a submit_sm on the wire get to see their response. */
  drainMs: number
}

export interface UpstreamPoolDeps {
  stores: Pick<Stores, 'reference' | 'messages' | 'guards'>
  queues: QueueSender & QueueConsumer
  /** Bind passwords by Upstream.secretRef (envSecrets locally: SECRET_<REF>). */
  secrets: SecretSource
  /** cfg.queues: jobs come from `upstream`, failovers go to `dispatch`, receipts and MO to `receipts`. */
  queueUrls: { upstream: string; dispatch: string; receipts: string }
  clock: Clock
  log: Log
  random?: () => number
  options?: Partial<UpstreamPoolOptions>
}

export const DefaultPoolOptions: UpstreamPoolOptions = {
  maxInFlight: 500,
  receiveWaitSec: 20,
  visibilitySec: Queues.upstream.visibilityTimeoutSec,
  jobTimeoutMs: 300_000,
  refreshMs: 60_000,
  errorPauseMs: 1_000,
  drainMs: 10_000,
}

/** The running pool: `stop()` hands unsent jobs back to the queue, waits for answers on the wire, unbinds. */
export interface UpstreamPool {
  readonly groups: UpstreamGroups
  stop(): Promise<void>
}

/**
 * The upstream SMPP connector of issue 9: binds to every smpp upstream and consumes the upstream
 * queue. Runs inside a long-lived process (the SMPP node, or a sibling service of the same image);
 * never in a Lambda, since binds are long-lived TCP sessions. See docs/UPSTREAM-SMPP.md.
 */
export async function startUpstreamPool(deps: UpstreamPoolDeps): Promise<UpstreamPool> {
  const o = { ...DefaultPoolOptions, ...deps.options }
  const random = deps.random ?? Math.random
  const url = deps.queueUrls.upstream
  let stopping = false
  let signalStop!: () => void
  const stopped = new Promise<void>((resolve) => (signalStop = resolve))
  const inFlight = new Set<Promise<void>>()
  let slotFree: (() => void) | undefined

  const groups = new UpstreamGroups({
    reference: deps.stores.reference,
    secrets: deps.secrets,
    queues: deps.queues,
    receiptsQueueUrl: deps.queueUrls.receipts,
    clock: deps.clock,
    log: deps.log,
    random,
    refreshMs: o.refreshMs,
  })
  const jobDeps: JobDeps = {
    messages: deps.stores.messages,
    guards: deps.stores.guards,
    queues: deps.queues,
    dispatchQueueUrl: deps.queueUrls.dispatch,
    groupFor: (id) => groups.groupFor(id),
    clock: deps.clock,
    log: deps.log,
    random,
    jobTimeoutMs: o.jobTimeoutMs,
    stopping: stopped,
    isStopping: () => stopping,
  }
  const quietly = (what: string, p: Promise<unknown>) => p.catch((err) => deps.log.warn(`upstream queue ${what} failed`, { err }))

  async function handle(m: ReceivedMessage): Promise<void> {
    const renew = setInterval(
      () => void quietly('visibility', deps.queues.changeVisibility(url, m.receiptHandle, o.visibilitySec)),
      (o.visibilitySec * 1000) / 2,
    )
    try {
      const outcome = await processJob(jobDeps, parseDispatchJob(m.body))
      if (outcome === 'done') await deps.queues.delete(url, m.receiptHandle)
      if (outcome === 'release') await quietly('release', deps.queues.changeVisibility(url, m.receiptHandle, 0))
      // Held elsewhere: come back once that pool's lease has surely ended, not sooner (receives count towards the DLQ).
      if (outcome === 'leave')
        await quietly('visibility', deps.queues.changeVisibility(url, m.receiptHandle, Math.ceil(o.jobTimeoutMs / 1000) + 1))
    } catch (err) {
      // Left on the queue: redelivered after its visibility timeout, and redrive ends a poison job in the DLQ.
      deps.log.error('upstream job failed', { sqsMessageId: m.messageId, receiveCount: m.receiveCount, err })
    } finally {
      clearInterval(renew)
    }
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      if (inFlight.size >= o.maxInFlight) {
        await Promise.race([stopped, new Promise<void>((r) => (slotFree = r))])
        continue
      }
      let batch: ReceivedMessage[]
      try {
        batch = await deps.queues.receive(url, Math.min(10, o.maxInFlight - inFlight.size), o.receiveWaitSec, o.visibilitySec)
      } catch (err) {
        deps.log.warn('upstream queue receive failed', { err })
        await Promise.race([stopped, sleep(deps.clock, o.errorPauseMs)])
        continue
      }
      for (const m of batch) {
        if (stopping) {
          void quietly('release', deps.queues.changeVisibility(url, m.receiptHandle, 0))
          continue
        }
        const job: Promise<void> = handle(m).finally(() => {
          inFlight.delete(job)
          slotFree?.()
        })
        inFlight.add(job)
      }
    }
  }

  await groups.startAll()
  void loop()
  return {
    groups,
    async stop() {
      if (stopping) return
      stopping = true
      signalStop()
      groups.cancelWaiting()
      // The receive under way is neither awaited (it long-polls up to 20 s) nor aborted (a message SQS hands it as
      // the abort lands would stay invisible for its visibility timeout): what it brings back, the loop releases at
      // once, and then it ends. Only a process that exits first leaves such a message to its visibility timeout.
      await Promise.race([Promise.all(inFlight), sleep(deps.clock, o.drainMs)])
      await groups.stopAll()
    },
  }
}
