import type { DispatchJob } from '../domain/jobs'
import type { Upstream } from '../domain/model'

/** Hands one message to an upstream. Throws on transport failure (the caller fails over or retries). */
export interface Connector {
  send(upstream: Upstream, job: DispatchJob): Promise<{ upstreamMessageId: string }>
}
