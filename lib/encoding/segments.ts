// Splitting a long message into submit_sm/deliver_sm parts: concatenation UDH (3GPP TS 23.040 9.2.3.24.1/.8),
// SAR TLVs (SMPP 3.4 5.3.2.22-24) or one message_payload TLV (SMPP 3.4 5.3.2.32).
// data_coding 0 short_message is unpacked septets, one per octet (the SMPP norm); a UDH precedes it in octets and the
// SMSC adds the fill bits when it packs for the air.
import { alphabetOf, chooseEncoding, encodeText } from './data-coding'
import type { Gsm7Tables } from './national-language'
import { partLengths, type Scheme } from './segment-limits'
import { buildUdh, concatIe, EsmClassUdhi, type InformationElement, ieOctets, parseUdh } from './udh'

export { partCapacity, type Scheme, SegmentLimit, singleCapacity } from './segment-limits'

export interface Part {
  shortMessage: Buffer
  /** Bits to OR into esm_class: 0x40 (UDHI) when shortMessage starts with a UDH, else 0. */
  esmClass: number
  dataCoding: number
  sarMsgRefNum?: number
  sarTotalSegments?: number
  sarSegmentSeqnum?: number
  messagePayload?: Buffer
}

export interface SplitOptions {
  /** Defaults to the cheapest (chooseEncoding): GSM 7-bit if it holds the text, else UCS2. */
  dataCoding?: number
  scheme: Scheme
  /** Concatenation reference: masked to 8 bits for udh8, 16 bits for udh16 and sar_msg_ref_num. */
  reference: number
  /**
   * IEs every part's UDH carries besides concatenation: the national language shift IEs of a GSM 7-bit text encoded
   * with shift tables (planEncoding's udhIes). They apply per segment (TS 23.040 9.2.3.24.15/16), so each part
   * repeats them, a single part gets a UDH of its own, and parts are sized for the longer header. Not with 'payload'.
   */
  udhIes?: readonly InformationElement[]
}

/** Max parts: total and seq are one octet in the concat IE and sar_total_segments. */
export const MaxParts = 255

/** The parts for the text, or null when the text is not representable in `dataCoding`. */
export function splitText(text: string, options: SplitOptions): Part[] | null {
  const dataCoding = options.dataCoding ?? chooseEncoding(text).dataCoding
  const encoded = encodeText(text, dataCoding)
  return encoded && splitBytes(encoded, { ...options, dataCoding })
}

/**
 * The parts for already-encoded octets (any accepted data coding, binary included). A message that fits one SMS is
 * one plain part, without UDH or SAR TLVs; 'payload' always gives one part with an empty short_message.
 * Throws RangeError for a refused data coding or more than 255 parts.
 */
export function splitBytes(encoded: Uint8Array, options: SplitOptions & { dataCoding: number }): Part[] {
  const { dataCoding, scheme, reference } = options
  const ies = options.udhIes ?? []
  const alphabet = alphabetOf(dataCoding)
  if (!alphabet) throw new RangeError(`data_coding 0x${dataCoding.toString(16)} is not supported`)
  const bytes = Buffer.from(encoded)
  // With IEs, short_message starts with a UDH holding them, flagged by UDHI.
  const withIes = (b: Buffer) => (ies.length ? Buffer.concat([buildUdh([...ies]), b]) : b)
  const udhi = ies.length ? EsmClassUdhi : 0
  if (scheme === 'payload') {
    // The upstream splits message_payload itself, and nothing says it repeats our IEs in every segment as it must.
    if (ies.length) throw new RangeError('UDH IEs cannot travel in message_payload: use udh8, udh16 or sar')
    return [{ shortMessage: Buffer.alloc(0), esmClass: 0, dataCoding, messagePayload: bytes }]
  }
  const lengths = partLengths(bytes, alphabet, scheme, ieOctets(ies))
  if (lengths.length > MaxParts) throw new RangeError(`message needs ${lengths.length} parts, more than ${MaxParts}`)
  if (lengths.length === 1) return [{ shortMessage: withIes(bytes), esmClass: udhi, dataCoding }]
  const total = lengths.length
  let offset = 0
  return lengths.map((length, i) => {
    const chunk = bytes.subarray(offset, (offset += length))
    const seq = i + 1
    if (scheme === 'sar') {
      return {
        shortMessage: withIes(Buffer.from(chunk)),
        esmClass: udhi,
        dataCoding,
        sarMsgRefNum: reference & 0xffff,
        sarTotalSegments: total,
        sarSegmentSeqnum: seq,
      }
    }
    const bits = scheme === 'udh16' ? 16 : 8
    const udh = buildUdh([concatIe({ reference: reference & (bits === 8 ? 0xff : 0xffff), total, seq, bits }), ...ies])
    return { shortMessage: Buffer.concat([udh, chunk]), esmClass: EsmClassUdhi, dataCoding }
  })
}

export interface Received {
  /** User data without UDH: message_payload if present, else short_message after its UDH. */
  payload: Buffer
  concat?: { scheme: 'udh8' | 'udh16' | 'sar'; reference: number; total: number; seq: number }
  /** The national language tables the UDH names (IEs 0x24/0x25), for decodeText; absent when it names none. */
  tables?: Gsm7Tables
}

export interface PartLike {
  shortMessage: Buffer
  esmClass: number
  sarMsgRefNum?: number
  sarTotalSegments?: number
  sarSegmentSeqnum?: number
  messagePayload?: Buffer
}

/**
 * What a received submit_sm/deliver_sm carries: its user data and, for a part of a long message, where it belongs.
 * Null when UDHI is set but the UDH is malformed. SAR TLVs win over a concat UDH when both are present.
 */
export function readPart(part: PartLike): Received | null {
  if (part.messagePayload && part.messagePayload.length > 0) return { payload: part.messagePayload }
  let payload = part.shortMessage
  let concat: Received['concat']
  let tables: Gsm7Tables | undefined
  if (part.esmClass & EsmClassUdhi) {
    const parsed = parseUdh(part.shortMessage)
    if (!parsed) return null
    payload = parsed.payload
    tables = parsed.tables
    if (parsed.concat) {
      const { reference, total, seq, bits } = parsed.concat
      concat = { scheme: bits === 8 ? 'udh8' : 'udh16', reference, total, seq }
    }
  }
  const { sarMsgRefNum: ref, sarTotalSegments: total, sarSegmentSeqnum: seq } = part
  if (ref !== undefined && total !== undefined && seq !== undefined && total > 0 && seq > 0 && seq <= total) {
    concat = { scheme: 'sar', reference: ref, total, seq }
  }
  return { payload, concat, ...(tables ? { tables } : {}) }
}
