import { createHash, timingSafeEqual } from 'node:crypto'
import type { DelayedQueueSender } from '../ports/delayed-queue'
import type { HttpSubmitRequest } from './jobs'
import { outcomeFor, plannedReceipts } from './test-destinations'

/**
 * The sandbox upstream on AWS (issue 19): a carrier that serves the HTTP upstream contract (lib/domain/jobs.ts)
 * and never reaches a network. It answers each submit from the test destinations the local simulator answers
 * from (lib/domain/test-destinations.ts) and reports the receipts on the receipts queue, as a connector would.
 * A receipt "one delay later" is an SQS message with DelaySeconds: nothing waits in the function.
 */
export interface SandboxCarrierDeps {
  receipts: DelayedQueueSender
  receiptsQueueUrl: string
  /** The bearer secret the `sandbox` upstream row names (secretRef); undefined = not provisioned. */
  secret(): Promise<string | undefined>
  upstreamId: string
  /** Between the submit and its first receipt, and between receipts. */
  receiptDelayMs: number
  now(): Date
  newId(): string
}

export interface CarrierAnswer {
  status: number
  body: Record<string, unknown>
}

const answer = (status: number, body: Record<string, unknown>): CarrierAnswer => ({ status, body })

// Equal-length digests, so the comparison takes the same time whatever the guess.
const digest = (s: string) => createHash('sha256').update(s).digest()
const sameSecret = (given: string, want: string) => timingSafeEqual(digest(given), digest(want))

/** One POST of the HTTP upstream contract: `authorization` is the header as sent, `body` the parsed JSON. */
export async function sandboxSubmit(deps: SandboxCarrierDeps, authorization: string | undefined, body: unknown): Promise<CarrierAnswer> {
  const secret = await deps.secret()
  // Fail closed: a sandbox without its secret accepts nothing, so it is never an open relay of receipts.
  if (!secret) return answer(503, { error: 'sandbox secret not provisioned' })
  if (!authorization?.startsWith('Bearer ') || !sameSecret(authorization.slice(7), secret)) return answer(401, { error: 'unauthorized' })
  const req = body as Partial<HttpSubmitRequest> | undefined
  if (typeof req?.messageId !== 'string' || req.messageId === '' || typeof req.to !== 'string')
    return answer(400, { error: 'messageId and to are required' })

  const outcome = outcomeFor(req.to)
  if (outcome.http === 'unavailable') return answer(503, { error: 'simulated carrier outage' })
  // The simulator answers this one after 30 s, past every upstream timeout; a Lambda must not sleep that long,
  // so it answers at once with what the dispatcher would conclude anyway: a transport error (failover, then 0x0446).
  if (outcome.http === 'slow') return answer(504, { error: 'simulated carrier timeout' })
  const upstreamMessageId = `sbx-${deps.newId()}`
  const plan = plannedReceipts(outcome, {
    upstreamId: deps.upstreamId,
    messageId: req.messageId,
    upstreamMessageId,
    submittedAt: deps.now(),
    delayMs: deps.receiptDelayMs,
  })
  // Queued before the 200: an accepted message always has its receipts on the way. If this throws, the submit
  // fails as a transport error and the dispatcher retries it; a receipt queued twice is settled once (the DLR's guard).
  if (plan.length)
    await deps.receipts.sendDelayed(
      deps.receiptsQueueUrl,
      plan.map((p) => ({ body: p.event, delaySeconds: p.afterMs / 1000 })),
    )
  return answer(200, { id: upstreamMessageId })
}
