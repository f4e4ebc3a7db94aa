import { EsmClass } from '../smpp/esm-class'
// User Data Header at the start of short_message (3GPP TS 23.040 9.2.3.24), flagged by esm_class UDHI (SMPP 3.4 5.2.12).
import { DefaultTables, type Gsm7Tables } from './national-language'

export const EsmClassUdhi = EsmClass.UdhIndicator // esm_class bit 6, UDHI Indicator: short_message starts with a UDH

// Information Element Identifiers (TS 23.040 9.2.3.24)
export const Iei = {
  Concat8: 0x00, // Concatenated short messages, 8-bit reference number (9.2.3.24.1)
  SpecialSms: 0x01, // Special SMS Message Indication (9.2.3.24.2)
  PortAddress8: 0x04, // Application port addressing scheme, 8 bit address (9.2.3.24.3)
  PortAddress16: 0x05, // Application port addressing scheme, 16 bit address (9.2.3.24.4)
  Concat16: 0x08, // Concatenated short messages, 16-bit reference number (9.2.3.24.8)
  NationalSingleShift: 0x24, // National Language Single Shift (9.2.3.24.15): one octet, the language's identifier
  NationalLockingShift: 0x25, // National Language Locking Shift (9.2.3.24.16): one octet, the language's identifier
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
  /**
   * The national language tables the text is to be read with, when the header names one (IE 0x24 and/or 0x25; the one
   * not named stays 0, the default). The IEs apply only to the segment that carries them (9.2.3.24.15/16), and only
   * to GSM 7-bit text: decodeText ignores them for other data codings.
   */
  tables?: Gsm7Tables
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
  let tables: Gsm7Tables | undefined
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
    // A repeated shift IE: the last occurrence counts (9.2.3.24.15/16).
    if (iei === Iei.NationalSingleShift && length === 1) tables = { ...(tables ?? DefaultTables), single: data[0] }
    if (iei === Iei.NationalLockingShift && length === 1) tables = { ...(tables ?? DefaultTables), locking: data[0] }
  }
  return { udh, concat, ...(tables ? { tables } : {}), payload: Buffer.from(bytes.subarray(end)) }
}

const toConcat = (reference: number, total: number, seq: number, bits: 8 | 16): Concat | undefined =>
  total === 0 || seq === 0 || seq > total ? undefined : { reference, total, seq, bits }

/** A whole UDH (with its UDHL octet) holding the given elements. */
export function buildUdh(elements: InformationElement[]): Buffer {
  const body = Buffer.concat(elements.map((e) => Buffer.concat([Buffer.from([e.iei, e.data.length]), e.data])))
  if (body.length > 0xff) throw new RangeError(`UDH of ${body.length} octets exceeds UDHL`)
  return Buffer.concat([Buffer.from([body.length]), body])
}

/** The concatenation IE: `00 03 ref total seq` (8-bit reference) or `08 04 refHi refLo total seq` (16-bit). */
export function concatIe({ reference, total, seq, bits }: Concat): InformationElement {
  const data =
    bits === 8 ? Buffer.from([reference & 0xff, total, seq]) : Buffer.from([(reference >> 8) & 0xff, reference & 0xff, total, seq])
  return { iei: bits === 8 ? Iei.Concat8 : Iei.Concat16, data }
}

/** The concatenation UDH: `05 00 03 ref total seq` (8-bit) or `06 08 04 refHi refLo total seq` (16-bit). */
export const concatUdh = (concat: Concat): Buffer => buildUdh([concatIe(concat)])

/** The IEs that name the tables: `24 01 id` for a single shift table, `25 01 id` for a locking one; none for table 0. */
export function shiftIes({ locking, single }: Gsm7Tables): InformationElement[] {
  const ies: InformationElement[] = []
  if (single !== 0) ies.push({ iei: Iei.NationalSingleShift, data: Buffer.from([single]) })
  if (locking !== 0) ies.push({ iei: Iei.NationalLockingShift, data: Buffer.from([locking]) })
  return ies
}

/** Octets the elements take inside a UDH (IEI, length and data each; the UDHL octet not included). */
export const ieOctets = (elements: readonly InformationElement[]): number => elements.reduce((n, e) => n + 2 + e.data.length, 0)

/**
 * Fill bits between a UDH of `udhOctets` octets (UDHL included) and the first septet when the user data is packed,
 * so that the text starts on a septet boundary (TS 23.040 9.2.3.24): 1 after the 6-octet 8-bit concat UDH, 0 after 7.
 */
export const septetFillBits = (udhOctets: number): number => (7 - ((udhOctets * 8) % 7)) % 7
