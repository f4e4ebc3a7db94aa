import type { UpstreamEvent } from './jobs'

/**
 * The test destinations of the simulated carrier network, in one place: the local carrier simulator
 * (infra/local/carrier-simulator.ts) and the AWS sandbox upstream (functions/sandbox/handler.ts) both answer
 * from these rules, so a customer's test traffic behaves the same on a laptop and on a stage (issue 19).
 * The destination number picks the outcome.
 */
export const TestPrefixes = {
  Undeliverable: '999001', // UNDELIV, err 001, network_error_code GSM 0x0001
  Expired: '999002', // EXPIRED
  Rejected: '999003', // REJECTD
  EnrouteThenDelivered: '999004', // ENROUTE, then DELIVRD one delay later
  NoReceipt: '999005', // accepted, never a receipt
  TransportError: '999006', // HTTP 503: a transport error (failover, then 0x0446)
  Slow: '999007', // answered only after the upstream timeout; no receipt
} as const

export interface ReceiptPlan {
  stat: string
  err: number
  networkErrorCode?: string
}
export interface Outcome {
  /** accept: 2xx with an id; unavailable: 503; slow: an answer later than any sane upstream timeout. */
  http: 'accept' | 'unavailable' | 'slow'
  receipts: ReceiptPlan[] // sent one receipt delay apart
}

/** What the simulated network does with a message to `to` (a leading '+' is ignored). */
export function outcomeFor(to: string): Outcome {
  const n = to.replace(/^\+/, '')
  const one = (stat: string, err = 0, networkErrorCode?: string): Outcome => ({
    http: 'accept',
    receipts: [{ stat, err, networkErrorCode }],
  })
  if (n.startsWith(TestPrefixes.Undeliverable)) return one('UNDELIV', 1, '030001') // SMPP 3.4 5.3.2.31: type 3 = GSM, then the error
  if (n.startsWith(TestPrefixes.Expired)) return one('EXPIRED')
  if (n.startsWith(TestPrefixes.Rejected)) return one('REJECTD', 2)
  if (n.startsWith(TestPrefixes.EnrouteThenDelivered))
    return {
      http: 'accept',
      receipts: [
        { stat: 'ENROUTE', err: 0 },
        { stat: 'DELIVRD', err: 0 },
      ],
    }
  if (n.startsWith(TestPrefixes.NoReceipt)) return { http: 'accept', receipts: [] }
  if (n.startsWith(TestPrefixes.TransportError)) return { http: 'unavailable', receipts: [] }
  if (n.startsWith(TestPrefixes.Slow)) return { http: 'slow', receipts: [] }
  return one('DELIVRD')
}

export interface PlannedReceipt {
  /** How long after the submit the receipt is reported. */
  afterMs: number
  event: Extract<UpstreamEvent, { type: 'receipt' }>
}

/**
 * The receipts of an accepted message, each with its delay (`delayMs` apart, the first one delay after the
 * submit) and its done time, for the receipts queue: what a connector reports for the carrier.
 */
export function plannedReceipts(
  outcome: Outcome,
  m: { upstreamId: string; messageId: string; upstreamMessageId: string; submittedAt: Date; delayMs: number },
): PlannedReceipt[] {
  if (outcome.http !== 'accept') return []
  return outcome.receipts.map((r, i) => {
    const afterMs = m.delayMs * (i + 1)
    const doneAt = new Date(m.submittedAt.getTime() + afterMs).toISOString()
    const event = {
      type: 'receipt',
      upstreamId: m.upstreamId,
      messageId: m.messageId,
      upstreamMessageId: m.upstreamMessageId,
      ...r,
      doneAt,
    }
    return { afterMs, event: event as PlannedReceipt['event'] }
  })
}
