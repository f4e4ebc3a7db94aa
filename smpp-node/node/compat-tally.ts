import { encodingFault, LatencyEdgesMs, latencyBucket, type SessionObservation, TimelineMax } from '../../lib/domain/compat'
import type { BindType } from '../../lib/domain/model'
import { CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'

const isSubmit = (id: number) => id === CommandId.SubmitSm || id === CommandId.DataSm || id === CommandId.SubmitMulti
const isSubmitResp = (id: number) => id === CommandId.SubmitSmResp || id === CommandId.DataSmResp || id === CommandId.SubmitMultiResp
const UdhiBit = 0x40 // esm_class bit 6, SMPP 3.4 section 5.2.12

export interface TallyStart {
  accountId: string
  nodeId: string
  sessionId: string
  remoteAddress: string
  mode: BindType
  bindBody: Record<string, unknown>
  speed: number
  windowSize: number
  responseTimeoutMs: number
  at: number // epoch ms
}

const bump = (counts: Record<string, number>, key: string | number) => {
  counts[key] = (counts[key] ?? 0) + 1
}

/**
 * One bound session's observation, counted PDU by PDU in memory (O(1) each, no I/O): the compatibility
 * report's raw material (lib/domain/compat.ts). The observer flushes `snapshot()` in batches.
 */
export class CompatTally {
  readonly obs: SessionObservation
  dirty = true
  private readonly submitsOpen = new Set<number>()
  private readonly delivers = new Map<number, number>() // sequence -> sent at (ms)
  private lastEnquireAt: number

  constructor(s: TallyStart) {
    const b = s.bindBody
    this.lastEnquireAt = s.at
    const at = new Date(s.at).toISOString()
    this.obs = {
      accountId: s.accountId,
      nodeId: s.nodeId,
      sessionId: s.sessionId,
      remoteAddress: s.remoteAddress,
      boundAt: at,
      lastAt: at,
      bind: {
        mode: s.mode,
        interfaceVersion: Number(b.interfaceVersion ?? 0),
        systemType: String(b.systemType ?? ''),
        addrTon: Number(b.addrTon ?? 0),
        addrNpi: Number(b.addrNpi ?? 0),
      },
      speed: s.speed,
      windowSize: s.windowSize,
      responseTimeoutMs: s.responseTimeoutMs,
      ...{ submits: 0, accepted: 0, throttled: 0, windowFull: 0, maxOutstanding: 0, peakPerSec: 0 },
      ...{ enquireLinks: 0, maxEnquireGapMs: 0, delivers: 0, deliverFailed: 0, deliverTimeouts: 0, deliverMaxMs: 0 },
      deliverLatency: Array(LatencyEdgesMs.length + 1).fill(0),
      ...{ nacksIn: 0, nacksOut: 0, udh: 0, sar: 0, messagePayload: 0 },
      ...{ dataCodings: {}, badEncodings: {}, registeredDelivery: {}, timeline: [] },
    }
  }

  /** A PDU in or out of the session (undefined: a frame that could not be decoded). */
  pdu(direction: 'in' | 'out', commandId: number, status: number, pdu: Pdu | undefined, now: number): void {
    const o = this.obs
    this.dirty = true
    if (commandId === CommandId.GenericNack) {
      if (direction === 'in') o.nacksIn++
      else o.nacksOut++
      return
    }
    // Plain compares rather than isPdu(pdu, ...ids) / includes: this runs for every PDU in and out of every session.
    if (direction === 'in' && pdu && isSubmit(commandId)) this.submitted(pdu as Pdu & { body: Record<string, unknown> }, now)
    else if (direction === 'out' && pdu && isSubmitResp(commandId)) this.answered(pdu.sequence, status, now)
    else if (direction === 'out' && commandId === CommandId.DeliverSm && pdu) {
      o.delivers++
      this.delivers.set(pdu.sequence, now)
    } else if (direction === 'in' && commandId === CommandId.DeliverSmResp && pdu) {
      const sentAt = this.delivers.get(pdu.sequence)
      if (sentAt === undefined) return // late: already counted as a timeout
      this.delivers.delete(pdu.sequence)
      const ms = now - sentAt
      o.deliverLatency[latencyBucket(ms)]++
      o.deliverMaxMs = Math.max(o.deliverMaxMs, ms)
      if (status !== Status.Ok) o.deliverFailed++
    } else if (direction === 'in' && commandId === CommandId.EnquireLink) {
      o.enquireLinks++
      o.maxEnquireGapMs = Math.max(o.maxEnquireGapMs, now - this.lastEnquireAt)
      this.lastEnquireAt = now
    } else if (commandId === CommandId.Unbind) o.end ??= direction === 'in' ? 'unbind' : 'server'
  }

  /** A request of the node went unanswered for the response timeout: the node cuts the peer. */
  responseTimeout(commandId: number): void {
    this.dirty = true
    if (commandId === CommandId.DeliverSm) {
      this.obs.deliverTimeouts++
      this.obs.deliverMaxMs = Math.max(this.obs.deliverMaxMs, this.obs.responseTimeoutMs)
    }
    this.obs.end ??= 'timeout'
  }

  ended(now: number): void {
    this.dirty = true
    this.obs.end ??= 'drop'
    this.obs.endedAt = new Date(now).toISOString()
  }

  /** The observation as of now, and clean until the next PDU. */
  snapshot(now: number): SessionObservation {
    this.dirty = false
    this.obs.lastAt = new Date(now).toISOString()
    return this.obs
  }

  private submitted(pdu: Pdu & { body: Record<string, unknown> }, now: number): void {
    const o = this.obs
    const b = pdu.body as {
      dataCoding: number
      esmClass: number
      registeredDelivery: number
      shortMessage?: Buffer
      messagePayload?: Buffer
      sarMsgRefNum?: number
    }
    o.submits++
    this.submitsOpen.add(pdu.sequence)
    o.maxOutstanding = Math.max(o.maxOutstanding, this.submitsOpen.size)
    bump(o.dataCodings, b.dataCoding)
    bump(o.registeredDelivery, b.registeredDelivery)
    const udhi = (b.esmClass & UdhiBit) !== 0
    if (udhi) o.udh++
    if (b.sarMsgRefNum !== undefined) o.sar++
    if (b.messagePayload !== undefined) o.messagePayload++
    const octets = b.messagePayload ?? b.shortMessage
    const fault = octets && encodingFault(b.dataCoding, octets, udhi)
    if (fault) bump(o.badEncodings, fault)
    this.second(now).submitted++
  }

  private answered(sequence: number, status: number, now: number): void {
    const o = this.obs
    this.submitsOpen.delete(sequence)
    const point = this.second(now)
    if (status === Status.Ok) {
      o.accepted++
      point.accepted++
      o.peakPerSec = Math.max(o.peakPerSec, point.accepted)
    } else if (status === Status.Throttled) {
      o.throttled++
      point.throttled++
    } else if (status === Status.MsgQFul) o.windowFull++
  }

  private second(now: number) {
    const t = Math.floor(now / 1000)
    const tl = this.obs.timeline
    let last = tl[tl.length - 1]
    if (last?.t !== t) {
      last = { t, submitted: 0, accepted: 0, throttled: 0 }
      tl.push(last)
      if (tl.length > TimelineMax) tl.shift()
    }
    return last
  }
}
