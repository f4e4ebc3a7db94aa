// Issue 17: a text an ESME submits as UCS2 travels as GSM 7-bit with national language shift tables (3GPP TS 23.038
// 6.2.1.2, Annex A; UDH IEs 0x24/0x25, TS 23.040 9.2.3.24.15/16) towards an upstream that accepts them, split by the
// platform, and is billed at the parts it takes there. Pure: the submit (billing) and the dispatch (sending) ask the
// same question of the same upstream row and get the same answer.
import { DataCoding } from '../encoding/data-coding'
import { decodeWith } from '../encoding/gsm7-tables'
import type { Gsm7Tables } from '../encoding/national-language'
import { planEncoding } from '../encoding/plan-encoding'
import { countSegments, type Scheme } from '../encoding/segment-limits'
import { ucs2Decode, ucs2Encode } from '../encoding/ucs2'
import { EsmClass } from '../smpp/esm-class'
import type { DispatchJob } from './jobs'
import type { Upstream } from './model'
import { smppSettingsOf } from './upstream-smpp'

/** What the message becomes towards the upstream: GSM 7-bit septets (unpacked, one per octet) written with `tables`. */
export interface Reencoding {
  tables: Gsm7Tables
  septets: Buffer
  /** Parts on the air with the concatenation and shift IEs in every part's UDH: what is billed. */
  parts: number
  /** Parts the same text costs as UCS2 (67 characters a part): what the ESME's encoding would have cost. */
  ucs2Parts: number
}

/** The fields of a submitted or dispatched message the rule reads. */
export interface Candidate {
  dataCoding: number
  esmClass: number
  sar?: unknown
  /** The UCS2 text: message_payload's when present, else short_message's. */
  text: string
}

/**
 * How a long message travels to this upstream, or null where the platform cannot put IEs in each part: an HTTP
 * upstream receives the parts the platform split (concatenation UDH); an SMPP upstream gets UDH or SAR parts as its
 * settings say, and one message_payload (split by the carrier, who would not repeat our IEs) is never re-encoded.
 */
function schemeOf(upstream: Upstream): Scheme | null {
  if (upstream.kind === 'http') return 'udh8'
  const long = smppSettingsOf(upstream).longMessages
  return long === 'payload' ? null : long === 'sar' ? 'sar' : 'udh8'
}

/**
 * The re-encoding of a message towards `upstream`, or null when it travels as submitted. Only UCS2 (data_coding 8)
 * without a UDH or SAR TLVs of the ESME's own is re-encoded: a client that split its text itself sent each part as a
 * record of its own, billed one part each, and the platform cannot re-split parts that arrive as separate messages.
 * Binary and 8-bit data never are. It happens only when the GSM form takes fewer parts than UCS2; a text of one
 * UCS2 part (any short_message) therefore always stays as it was.
 */
export function reencodingFor(message: Candidate, upstream: Upstream | undefined): Reencoding | null {
  const allowed = upstream?.shiftTables ?? []
  if (!upstream || allowed.length === 0) return null
  if (message.dataCoding !== DataCoding.Ucs2 || message.esmClass & EsmClass.UdhIndicator || message.sar) return null
  const scheme = schemeOf(upstream)
  if (!scheme || message.text === '') return null
  const plan = planEncoding(message.text, { allowedShiftTables: allowed, scheme })
  if (plan.dataCoding === DataCoding.Ucs2) return null
  const ucs2Parts = countSegments(ucs2Encode(message.text), 'ucs2', scheme)
  if (plan.parts >= ucs2Parts) return null
  return { tables: plan.tables, septets: plan.encoded, parts: plan.parts, ucs2Parts }
}

/** The text of a UCS2 dispatch job (message_payload's when present), for reencodingFor on the dispatch side. */
export function dispatchText(job: DispatchJob): string {
  const octets = Buffer.from(job.messagePayload || job.shortMessage, 'base64')
  return job.dataCoding === DataCoding.Ucs2 ? ucs2Decode(octets) : ''
}

/**
 * The dispatch job as this upstream receives it: re-encoded (data_coding 0, the septets as message_payload for the
 * connector to split, the tables in `shift`) when reencodingFor says so, else unchanged. A failover upstream without
 * the flag therefore gets the UCS2 the ESME sent; the message stays billed at the first upstream's parts.
 */
export function jobForUpstream(job: DispatchJob, upstream: Upstream): DispatchJob {
  const submitted = asSubmitted(job)
  const r = reencodingFor({ ...submitted, text: dispatchText(submitted) }, upstream)
  if (!r) return submitted
  return {
    ...submitted,
    dataCoding: DataCoding.SmscDefault,
    shortMessage: '',
    messagePayload: r.septets.toString('base64'),
    shift: r.tables,
  }
}

/**
 * The UCS2 job the ESME sent, from a re-encoded one: the SMPP bind pool fails over by putting the job it was given
 * back on the dispatch queue (smpp-node/upstream/job.ts), and the next upstream may not accept the tables. A text
 * re-encoded was always longer than one UCS2 part, so it came in message_payload, with an empty short_message.
 */
function asSubmitted(job: DispatchJob): DispatchJob {
  if (!job.shift) return job
  const { shift, ...rest } = job
  const text = decodeWith(Buffer.from(job.messagePayload ?? '', 'base64'), shift)
  return { ...rest, dataCoding: DataCoding.Ucs2, shortMessage: '', messagePayload: ucs2Encode(text).toString('base64') }
}

/** What a record is billed: its parts as the first upstream receives them, and the UCS2 parts that saves. */
export interface Billing {
  parts: number
  partsSaved: number
}

/** Whether a submit job could be re-encoded at all: only then is its first upstream's row read (once per batch). */
export const mayReencode = (job: Candidate & { parts: number }): boolean =>
  job.parts > 1 && job.dataCoding === DataCoding.Ucs2 && !(job.esmClass & EsmClass.UdhIndicator) && !job.sar

/** The billing of a submit job routed first to `upstream` (the one dispatch tries first, so the one it re-encodes for). */
export function billingFor(job: Candidate & { parts: number }, upstream: Upstream | undefined): Billing {
  const r = mayReencode(job) ? reencodingFor(job, upstream) : null
  if (!r || r.parts >= job.parts) return { parts: job.parts, partsSaved: 0 }
  return { parts: r.parts, partsSaved: job.parts - r.parts }
}
