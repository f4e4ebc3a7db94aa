import type { DispatchJob, HttpSubmitRequest } from '../../domain/jobs'
import type { Upstream } from '../../domain/model'
import type { Connector } from '../../ports'
import type { SecretSource } from './secrets'
import { shiftRequest } from './shift-request'

/** Any failure to hand a message to an HTTP upstream; the dispatcher fails over, then gives up with 0x0446. */
export class HttpUpstreamError extends Error {
  constructor(upstream: Upstream, reason: string, options?: ErrorOptions) {
    super(`upstream ${upstream.upstreamId}: ${reason}`, options)
    this.name = 'HttpUpstreamError'
  }
}

/**
 * The HTTP upstream contract (lib/domain/jobs.ts): POST the message as JSON to `upstream.url`, with
 * `Authorization: Bearer <secret>` when the upstream names a secret; a 2xx answer `{ "id": "..." }`
 * means accepted. Anything else (status, body, timeout after `upstream.timeoutMs`, connection error)
 * throws HttpUpstreamError, so fetch's own errors stop here.
 */
export function httpConnector(secrets: SecretSource, fetchImpl: typeof fetch = fetch): Connector {
  return {
    async send(upstream: Upstream, job: DispatchJob) {
      if (!upstream.url) throw new HttpUpstreamError(upstream, 'no url configured')
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' }
      if (upstream.secretRef) {
        const secret = await secrets.get(upstream.secretRef)
        if (!secret) throw new HttpUpstreamError(upstream, `secret ${upstream.secretRef} not found`)
        headers.authorization = `Bearer ${secret}`
      }
      const request: HttpSubmitRequest = job.shift
        ? shiftRequest(job, job.shift)
        : {
            messageId: job.messageId,
            from: job.sourceAddr,
            to: job.destinationAddr,
            dataCoding: job.dataCoding,
            esmClass: job.esmClass,
            registeredDelivery: job.registeredDelivery,
            shortMessage: job.shortMessage,
            ...(job.messagePayload === undefined ? {} : { messagePayload: job.messagePayload }),
            ...(job.sar === undefined ? {} : { sar: job.sar }), // without it a SAR part would reach the carrier as a lone SMS
          }
      let res: Response
      let body: unknown
      try {
        res = await fetchImpl(upstream.url, {
          method: 'POST',
          headers,
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(Math.max(1, upstream.timeoutMs)),
        })
        body = await res.json().catch(() => undefined)
      } catch (err) {
        throw new HttpUpstreamError(upstream, err instanceof Error ? err.message : String(err), { cause: err })
      }
      if (!res.ok) throw new HttpUpstreamError(upstream, `HTTP ${res.status}`)
      const id = (body as { id?: unknown } | undefined)?.id
      if (typeof id !== 'string' || id === '') throw new HttpUpstreamError(upstream, 'answer without an id')
      return { upstreamMessageId: id }
    },
  }
}
