import type { DispatchJob } from '../domain/jobs'
import type { Upstream } from '../domain/model'

/**
 * Accepted by the upstream under its own id, or queued for a connector that lives elsewhere (the SMPP
 * bind pool records the upstream's id and moves the message to ENROUTE when the SMSC answers).
 */
export type SendResult = { upstreamMessageId: string } | { queued: true }

/** Hands one message to an upstream. Throws on transport failure (the caller fails over or retries). */
export interface Connector {
  send(upstream: Upstream, job: DispatchJob): Promise<SendResult>
}
