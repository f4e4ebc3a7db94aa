import { mergeObservations, percentileMs, type SessionObservation, type TimelinePoint } from './compat'
import { compatFindings, type Finding, type FindingLevel, worstOf } from './compat-rules'
import type { Account } from './model'

export interface SessionReport {
  sessionId: string
  nodeId: string
  remoteAddress: string
  boundAt: string
  lastAt: string
  endedAt?: string
  end?: SessionObservation['end']
  bind: SessionObservation['bind']
  verdict: FindingLevel
  findings: Finding[]
  figures: Figures
}

interface Figures {
  submits: number
  accepted: number
  throttled: number
  windowUsed: number
  peakPerSec: number
  deliverSmResp: { count: number; p50Ms?: number; p99Ms?: number; maxMs: number; failed: number; timeouts: number }
  genericNacks: { fromEsme: number; toEsme: number }
  dataCodings: Record<string, number>
  registeredDelivery: Record<string, number>
  long: { udh: number; sar: number; messagePayload: number }
}

export interface CompatReport {
  accountId: string
  sandbox: boolean
  speed: number
  verdict: FindingLevel
  /** The account's sessions judged together. */
  findings: Finding[]
  sessions: SessionReport[]
  /** Accepted and throttled submits per second across the sessions, against `speed`: the speed test. */
  timeline: TimelinePoint[]
}

const figuresOf = (o: SessionObservation): Figures => ({
  submits: o.submits,
  accepted: o.accepted,
  throttled: o.throttled,
  windowUsed: o.maxOutstanding,
  peakPerSec: o.peakPerSec,
  deliverSmResp: {
    count: o.delivers,
    p50Ms: percentileMs(o.deliverLatency, 0.5, o.deliverMaxMs),
    p99Ms: percentileMs(o.deliverLatency, 0.99, o.deliverMaxMs),
    maxMs: o.deliverMaxMs,
    failed: o.deliverFailed,
    timeouts: o.deliverTimeouts,
  },
  genericNacks: { fromEsme: o.nacksIn, toEsme: o.nacksOut },
  dataCodings: o.dataCodings,
  registeredDelivery: o.registeredDelivery,
  long: { udh: o.udh, sar: o.sar, messagePayload: o.messagePayload },
})

/** The compatibility report of an account from its recent sessions (newest first), as the API and page show it. */
export function compatReport(account: Account, sessions: readonly SessionObservation[]): CompatReport {
  const merged = mergeObservations(sessions)
  const findings = merged ? compatFindings(merged) : []
  return {
    accountId: account.accountId,
    sandbox: account.sandbox === true,
    speed: account.speed,
    verdict: worstOf(findings),
    findings,
    sessions: sessions.map((o) => {
      const f = compatFindings(o)
      return {
        sessionId: o.sessionId,
        nodeId: o.nodeId,
        remoteAddress: o.remoteAddress,
        boundAt: o.boundAt,
        lastAt: o.lastAt,
        ...(o.endedAt ? { endedAt: o.endedAt } : {}),
        ...(o.end ? { end: o.end } : {}),
        bind: o.bind,
        verdict: worstOf(f),
        findings: f,
        figures: figuresOf(o),
      }
    }),
    timeline: merged?.timeline ?? [],
  }
}
