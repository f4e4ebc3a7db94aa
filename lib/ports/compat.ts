import type { BindType } from '../domain/model'

/**
 * What the node saw of one ESME session (issue 19), aggregated in the node and written in batches: counts,
 * maxima and a latency histogram, never a row per PDU. The compatibility rules (compat-rules.ts) read it.
 */
export interface SessionObservation {
  accountId: string
  nodeId: string
  sessionId: string
  remoteAddress: string
  boundAt: string // ISO
  lastAt: string // ISO: the last flush or the end
  endedAt?: string
  /** unbind: the peer unbound (SMPP 3.4 section 4.2); drop: it closed without; timeout: the node cut a dead peer; server: the node unbound. */
  end?: 'unbind' | 'drop' | 'timeout' | 'server'
  bind: { mode: BindType; interfaceVersion: number; systemType: string; addrTon: number; addrNpi: number }
  /** The account's speed (parts per second) when it bound. */
  speed: number
  /** The node's window (requests answered at a time) when it bound. */
  windowSize: number
  /** How long the node waits for a response before it disconnects the peer (docs/DESIGN.md: 60 s). */
  responseTimeoutMs: number
  submits: number
  accepted: number
  throttled: number // submit_sm_resp ESME_RTHROTTLED 0x58
  windowFull: number // submit_sm_resp ESME_RMSGQFUL 0x14
  maxOutstanding: number // the window the peer actually used
  peakPerSec: number // most submits accepted in one second
  enquireLinks: number // from the peer
  maxEnquireGapMs: number // longest gap between the peer's enquire_links (or since the bind)
  delivers: number // deliver_sm the node sent
  deliverFailed: number // deliver_sm_resp with a non-zero command_status
  deliverTimeouts: number // deliver_sm left unanswered for the response timeout
  deliverLatency: number[] // counts per LatencyEdgesMs bucket
  deliverMaxMs: number
  nacksIn: number // generic_nack from the peer
  nacksOut: number // generic_nack to the peer
  dataCodings: Record<string, number>
  badEncodings: Record<string, number> // fault (encodingFault) -> count
  udh: number
  sar: number
  messagePayload: number
  registeredDelivery: Record<string, number>
  /** Per second (epoch seconds) while submitting, the last TimelineMax seconds: the speed-test view. */
  timeline: TimelinePoint[]
}

export interface TimelinePoint {
  t: number
  submitted: number
  accepted: number
  throttled: number
}

/**
 * What the nodes observed of each ESME session (issue 19): one item per session, rewritten by the node's
 * periodic flush (many sessions per write), read by the API's compatibility report.
 */
export interface CompatStore {
  /** Writes the latest observation of each session (a later one replaces the earlier). */
  putSessions(sessions: readonly SessionObservation[]): Promise<void>
  /** The account's most recent sessions, newest first. */
  recentSessions(accountId: string, limit: number): Promise<SessionObservation[]>
}
