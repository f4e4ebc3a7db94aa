import { z } from 'zod'
import { Status } from '../smpp/status'
import type { DispatchJob } from './jobs'
import type { Upstream } from './model'

/**
 * Rules of the upstream SMPP connector (issue 9): the settings an operator gives an upstream of kind
 * 'smpp' (kept as data in `Upstream.smpp`), and the pure decisions the bind pool makes with them.
 * docs/UPSTREAM-SMPP.md explains the design.
 */

const int = (min: number, max: number) => z.number().int().min(min).max(max)
const backoff = z.object({ initialMs: int(1, 3_600_000), maxMs: int(1, 3_600_000) })

/** What `Upstream.smpp` holds; every field but host and systemId has a default. */
export const smppSettingsSchema = z.object({
  host: z.string().min(1),
  port: int(1, 65_535).default(2775),
  tls: z.boolean().default(false),
  /** Off only for a carrier with a self-signed certificate (and in local chaining tests). */
  tlsRejectUnauthorized: z.boolean().default(true),
  systemId: z.string().min(1).max(15), // system_id is a C-octet string of at most 16 octets (SMPP 3.4 4.1.1)
  systemType: z.string().max(12).default(''),
  /** One bind_transceiver per bind, or a bind_transmitter plus a bind_receiver. */
  bindMode: z.enum(['trx', 'tx+rx']).default('trx'),
  binds: int(1, 32).default(1),
  /** Outstanding submit_sm per bind, without their submit_sm_resp. */
  window: int(1, 1_000).default(10),
  /** Message parts per second across this process's binds to the upstream; 0 = no limit. */
  throughput: z.number().min(0).max(100_000).default(0),
  enquireLinkIntervalMs: int(100, 3_600_000).default(30_000),
  /** bind_* and every request: no response within this -> the bind is considered gone / the request failed. */
  responseTimeoutMs: int(100, 600_000).optional(),
  reconnect: backoff.default({ initialMs: 1_000, maxMs: 60_000 }),
  /** Pauses after ESME_RTHROTTLED / ESME_RMSGQFUL, and how many before failing over. */
  retry: backoff.extend({ max: int(0, 100) }).default({ initialMs: 500, maxMs: 10_000, max: 8 }),
  /** How long a message waits for a bound transmitter before it fails over to the route's next upstream. */
  failoverAfterMs: int(0, 3_600_000).default(30_000),
  /** TON/NPI of the binds (address_range) and of addresses the client left at 0/0. */
  addrTon: int(0, 255).default(1),
  addrNpi: int(0, 255).default(1),
  /** data_coding sent for text in the GSM default alphabet (ours is 0x00; a few carriers want another value). */
  dataCoding: int(0, 255).default(0),
  /** How this upstream wants long messages: concatenation UDH, SAR TLVs, or one message_payload. */
  longMessages: z.enum(['udh', 'sar', 'payload']).default('udh'),
  /** Kannel's msg-id-type: some SMSCs answer submit_sm_resp in hex and put decimal ids in receipts, or the reverse. */
  messageIdType: z.enum(['as-is', 'submit-hex-receipt-dec', 'submit-dec-receipt-hex']).default('as-is'),
})

export type SmppSettingsInput = z.input<typeof smppSettingsSchema>
export type SmppUpstreamSettings = Omit<z.output<typeof smppSettingsSchema>, 'responseTimeoutMs'> & { responseTimeoutMs: number }

export class InvalidSmppSettings extends Error {}

/** The settings of an smpp upstream, defaults applied; `upstream.timeoutMs` is the response timeout unless set. */
export function smppSettingsOf(upstream: Upstream): SmppUpstreamSettings {
  if (upstream.kind !== 'smpp') throw new InvalidSmppSettings(`upstream ${upstream.upstreamId} is of kind ${upstream.kind}, not smpp`)
  const parsed = smppSettingsSchema.safeParse(upstream.smpp ?? {})
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'smpp'}: ${i.message}`).join('; ')
    throw new InvalidSmppSettings(`upstream ${upstream.upstreamId}: ${problems}`)
  }
  const s = parsed.data
  if (s.reconnect.initialMs > s.reconnect.maxMs || s.retry.initialMs > s.retry.maxMs)
    throw new InvalidSmppSettings(`upstream ${upstream.upstreamId}: a backoff's initialMs exceeds its maxMs`)
  return { ...s, responseTimeoutMs: s.responseTimeoutMs ?? Math.max(100, upstream.timeoutMs) }
}

/**
 * "Sent once" guard of one dispatch attempt through the pool. It is a lease: it expires after the time
 * a live pool may hold the job, so a crashed pool's job is sent again on redelivery (see the crash
 * window in docs/UPSTREAM-SMPP.md); the attempt number keeps a failover from colliding with it.
 */
export const upstreamGuardKey = (messageId: string, attempt: number) => `UPSTREAM#${messageId}#${attempt}`

/** Exponential backoff with "equal jitter": half fixed, half random, capped; never 0, so retries spread out. */
export function backoffMs(retry: number, policy: { initialMs: number; maxMs: number }, random: () => number): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(retry, 30))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

export type SubmitVerdict = 'accepted' | 'retry' | 'failover'

/** What a submit_sm_resp command_status means for the message (SMPP 3.4 5.1.3). */
export function verdictOf(status: number): SubmitVerdict {
  if (status === Status.Ok) return 'accepted'
  // The upstream is busy, not refusing the message: the same upstream, later.
  if (status === Status.Throttled || status === Status.MsgQFul) return 'retry'
  return 'failover'
}

/**
 * The job the dispatch queue gets when this upstream gives up: the next attempt over the remaining
 * upstreams. With none left, dispatchMessage (lib/domain/dispatch.ts) finds nothing to try and ends
 * the message UNDELIVERABLE with 0x0446, refund and receipt, exactly as for exhausted HTTP upstreams.
 */
export const failoverJob = (job: DispatchJob): DispatchJob => ({ ...job, attempt: job.attempt + 1, upstreams: job.upstreams.slice(1) })

/** The job the dispatch side queues for the pool: `upstreams[0]` is the chosen smpp upstream, the rest its failovers. */
export function queuedJob(job: DispatchJob, upstreamId: string): DispatchJob {
  const at = job.upstreams.indexOf(upstreamId)
  return { ...job, upstreams: at < 0 ? [upstreamId] : job.upstreams.slice(at) }
}

/**
 * One spelling of an upstream message id for the submit_sm_resp and the receipt, so that
 * messages.byUpstreamId matches when an SMSC writes the same id in hex in one and decimal in the other.
 */
export function canonicalUpstreamId(id: string, from: 'submit' | 'receipt', type: SmppUpstreamSettings['messageIdType']): string {
  if (type === 'as-is') return id
  const hex = (type === 'submit-hex-receipt-dec') === (from === 'submit')
  const valid = hex ? /^[0-9a-f]+$/i.test(id) : /^\d+$/.test(id)
  return valid ? BigInt(hex ? `0x${id}` : id).toString(10) : id
}
