import type { DispatchJob } from '../../domain/jobs'
import type { Upstream } from '../../domain/model'
import { queuedJob } from '../../domain/upstream-smpp'
import type { QueueSender, SendResult } from '../../ports'

/**
 * The dispatch side's connector for upstreams of kind 'smpp': TCP binds cannot live in a Lambda, so it
 * only enqueues the job on the upstream queue, where the bind pool of the Fargate-side process takes
 * it. `upstreams[0]` of the queued job is this upstream; the rest are its failovers in route order.
 * A failure to enqueue throws, so dispatchMessage tries the route's next upstream as for any connector.
 */
export function smppQueueConnector(queues: QueueSender, upstreamQueueUrl: string) {
  return {
    async send(upstream: Upstream, job: DispatchJob): Promise<SendResult> {
      if (upstream.kind !== 'smpp') throw new Error(`upstream ${upstream.upstreamId} is of kind ${upstream.kind}, not smpp`)
      await queues.send(upstreamQueueUrl, queuedJob(job, upstream.upstreamId))
      return { queued: true }
    },
  }
}
