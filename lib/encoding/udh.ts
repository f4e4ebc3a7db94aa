import { EsmClass } from '../smpp/esm-class'
// User Data Header at the start of short_message (3GPP TS 23.040 9.2.3.24), flagged by esm_class UDHI (SMPP 3.4 5.2.12).

export const EsmClassUdhi = EsmClass.UdhIndicator // esm_class bit 6, UDHI Indicator: short_message starts with a UDH

// Information Element Identifiers (TS 23.040 9.2.3.24)
export const Iei = {
  Concat8: 0x00, // Concatenated short messages, 8-bit reference number (9.2.3.24.1)
  SpecialSms: 0x01, // Special SMS Message Indication (9.2.3.24.2)
  PortAddress8: 0x04, // Application port addressing scheme, 8 bit address (9.2.3.24.3)
  PortAddress16: 0x05, // Application port addressing scheme, 16 bit address (9.2.3.24.4)
  Concat16: 0x08, // Concatenated short messages, 16-bit reference number (9.2.3.24.8)
} as const

export interface InformationElement {
  iei: number
  data: Buffer
}

export interface Concat {
  reference: number
  total: number
  seq: number
  bits: 8 | 16
}

export interface ParsedUdh {
  udh: InformationElement[]
  concat?: Concat
  /** The user data after the header: for data_coding 0, unpacked septets (SMPP form, no fill bits). */
  payload: Buffer
}

/**
 * Splits a short_message into its UDH elements and payload, or null when the header is malformed (UDHL or an IE
 * length runs past the end). A concat IE with total 0, seq 0 or seq > total is ignored as 9.2.3.24.1 asks; when a
 * concat IE repeats, the last one counts (9.2.3.24: the last occurrence of a non-repeatable IE is used).
 */
export function parseUdh(shortMessage: Uint8Array): ParsedUdh | null {
  const bytes = Buffer.from(shortMessage.buffer, shortMessage.byteOffset, shortMessage.byteLength)
  if (bytes.length === 0) return null
  const end = 1 + bytes[0]
  if (end > bytes.length) return null
  const udh: InformationElement[] = []
  let concat: Concat | undefined
  for (let i = 1; i < end; ) {
    if (i + 2 > end) return null
    const iei = bytes[i]
    const length = bytes[i + 1]
    if (i + 2 + length > end) return null
    const data = Buffer.from(bytes.subarray(i + 2, i + 2 + length))
    udh.push({ iei, data })
    i += 2 + length
    const c = iei === Iei.Concat8 && length === 3 ? toConcat(data[0], data[1], data[2], 8) : undefined
    const c16 = iei === Iei.Concat16 && length === 4 ? toConcat(data.readUInt16BE(0), data[2], data[3], 16) : undefined
    if (c || c16) concat = c ?? c16
  }
  return { udh, concat, payload: Buffer.from(bytes.subarray(end)) }
}

const toConcat = (reference: number, total: number, seq: number, bits: 8 | 16): Concat | undefined =>
  total === 0 || seq === 0 || seq > total ? undefined : { reference, total, seq, bits }

/** A whole UDH (with its UDHL octet) holding the given elements. */
export function buildUdh(elements: InformationElement[]): Buffer {
  const body = Buffer.concat(elements.map((e) => Buffer.concat([Buffer.from([e.iei, e.data.length]), e.data])))
  if (body.length > 0xff) throw new RangeError(`UDH of ${body.length} octets exceeds UDHL`)
  return Buffer.concat([Buffer.from([body.length]), body])
}

/** The concatenation UDH: `05 00 03 ref total seq` (8-bit) or `06 08 04 refHi refLo total seq` (16-bit). */
export function concatUdh({ reference, total, seq, bits }: Concat): Buffer {
  const data =
    bits === 8 ? Buffer.from([reference & 0xff, total, seq]) : Buffer.from([(reference >> 8) & 0xff, reference & 0xff, total, seq])
  return buildUdh([{ iei: bits === 8 ? Iei.Concat8 : Iei.Concat16, data }])
}

/**
 * Fill bits between a UDH of `udhOctets` octets (UDHL included) and the first septet when the user data is packed,
 * so that the text starts on a septet boundary (TS 23.040 9.2.3.24): 1 after the 6-octet 8-bit concat UDH, 0 after 7.
 */
export const septetFillBits = (udhOctets: number): number => (7 - ((udhOctets * 8) % 7)) % 7
