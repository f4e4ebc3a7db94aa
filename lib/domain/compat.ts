import { isKnownDataCoding } from '../encoding/data-coding'
import type { SessionObservation, TimelinePoint } from '../ports/compat'

export type { SessionObservation, TimelinePoint } from '../ports/compat'

export const TimelineMax = 600
/** Upper bucket edges of deliver_sm_resp latency; the last bucket is everything above. */
export const LatencyEdgesMs = [10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 20_000, 30_000, 60_000] as const

export const latencyBucket = (ms: number): number => {
  const i = LatencyEdgesMs.findIndex((edge) => ms <= edge)
  return i === -1 ? LatencyEdgesMs.length : i
}

/** The bucket edge at or below which a share `q` (0..1) of the answers came; undefined without answers. */
export function percentileMs(hist: readonly number[], q: number, maxMs: number): number | undefined {
  const total = hist.reduce((a, b) => a + b, 0)
  if (total === 0) return undefined
  const rank = Math.max(1, Math.ceil(q * total))
  let seen = 0
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i]
    if (seen >= rank) return Math.min(LatencyEdgesMs[i] ?? maxMs, maxMs)
  }
  return maxMs
}

/**
 * Why the octets of a short_message do not fit their data_coding (SMPP 3.4 section 5.2.19), or undefined.
 * The UDH (esm_class UDHI) is skipped: its octets are binary whatever the coding.
 */
export function encodingFault(dataCoding: number, message: Uint8Array, udhi: boolean): string | undefined {
  if (!isKnownDataCoding(dataCoding)) return `data_coding ${dataCoding} not recognised`
  const body = udhi && message.length > 0 ? message.subarray(Math.min(message.length, message[0] + 1)) : message
  // Unpacked GSM 03.38 septets are 0x00..0x7F: an octet above is Latin-1 or UTF-8 sent as data_coding 0.
  if (dataCoding === 0 && !septetsOnly(body)) return 'data_coding 0 carrying bytes outside GSM 03.38'
  if (dataCoding === 8 && body.length % 2 === 1) return 'data_coding 8 (UCS2) with an odd number of octets'
  return undefined
}

// A loop, not body.some(callback): this runs on every submit_sm the node receives (the compatibility tally, issue 19).
function septetsOnly(octets: Uint8Array): boolean {
  for (let i = 0; i < octets.length; i++) if (octets[i] > 0x7f) return false
  return true
}

const addCounts = (a: Record<string, number>, b: Record<string, number>) => {
  const out = { ...a }
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v
  return out
}

/** The account's sessions as one: sums, maxima, merged histograms and timelines (for the account's findings). */
export function mergeObservations(sessions: readonly SessionObservation[]): SessionObservation | undefined {
  if (sessions.length === 0) return undefined
  return sessions.reduce((a, b) => ({
    ...b,
    boundAt: [a.boundAt, b.boundAt].sort()[0], // ISO strings order as times
    lastAt: [a.lastAt, b.lastAt].sort()[1],
    bind: b.bind,
    submits: a.submits + b.submits,
    accepted: a.accepted + b.accepted,
    throttled: a.throttled + b.throttled,
    windowFull: a.windowFull + b.windowFull,
    maxOutstanding: Math.max(a.maxOutstanding, b.maxOutstanding),
    peakPerSec: Math.max(a.peakPerSec, b.peakPerSec),
    enquireLinks: a.enquireLinks + b.enquireLinks,
    maxEnquireGapMs: Math.max(a.maxEnquireGapMs, b.maxEnquireGapMs),
    delivers: a.delivers + b.delivers,
    deliverFailed: a.deliverFailed + b.deliverFailed,
    deliverTimeouts: a.deliverTimeouts + b.deliverTimeouts,
    deliverLatency: LatencyEdgesMs.map((_, i) => i)
      .concat(LatencyEdgesMs.length)
      .map((i) => (a.deliverLatency[i] ?? 0) + (b.deliverLatency[i] ?? 0)),
    deliverMaxMs: Math.max(a.deliverMaxMs, b.deliverMaxMs),
    nacksIn: a.nacksIn + b.nacksIn,
    nacksOut: a.nacksOut + b.nacksOut,
    dataCodings: addCounts(a.dataCodings, b.dataCodings),
    badEncodings: addCounts(a.badEncodings, b.badEncodings),
    udh: a.udh + b.udh,
    sar: a.sar + b.sar,
    messagePayload: a.messagePayload + b.messagePayload,
    registeredDelivery: addCounts(a.registeredDelivery, b.registeredDelivery),
    timeline: mergeTimelines(a.timeline, b.timeline),
  }))
}

function mergeTimelines(a: readonly TimelinePoint[], b: readonly TimelinePoint[]): TimelinePoint[] {
  const byT = new Map<number, TimelinePoint>()
  for (const p of [...a, ...b]) {
    const q = byT.get(p.t) ?? { t: p.t, submitted: 0, accepted: 0, throttled: 0 }
    byT.set(p.t, { t: p.t, submitted: q.submitted + p.submitted, accepted: q.accepted + p.accepted, throttled: q.throttled + p.throttled })
  }
  return [...byT.values()].sort((x, y) => x.t - y.t).slice(-TimelineMax)
}
