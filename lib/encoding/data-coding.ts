// data_coding (SMPP 3.4 5.2.19) and the GSM coding groups it borrows from 3GPP TS 23.038 section 4.
import type { Alphabet } from './alphabet'
import { gsmDecode, gsmEncode } from './gsm7'
import { decodeWith } from './gsm7-tables'
import { ia5Decode, ia5Encode } from './ia5'
import { latin1Decode, latin1Encode } from './latin1'
import type { Gsm7Tables } from './national-language'
import { countSegments, type Scheme } from './segment-limits'
import { ucs2Decode, ucs2Encode } from './ucs2'

export const DataCoding = {
  SmscDefault: 0x00, // SMSC Default Alphabet: GSM 03.38 (TS 23.038) default alphabet on this platform, unpacked
  Ia5: 0x01, // IA5 (CCITT T.50)/ASCII (ANSI X3.4)
  Binary8: 0x02, // Octet unspecified (8-bit binary)
  Latin1: 0x03, // Latin 1 (ISO-8859-1)
  Binary: 0x04, // Octet unspecified (8-bit binary)
  Jis: 0x05, // JIS (X 0208-1990); refused
  Cyrillic: 0x06, // Cyrillic (ISO-8859-5); refused
  LatinHebrew: 0x07, // Latin/Hebrew (ISO-8859-8); refused
  Ucs2: 0x08, // UCS2 (ISO/IEC-10646), carried as UTF-16BE
  Pictogram: 0x09, // Pictogram Encoding; refused
  MusicCodes: 0x0a, // ISO-2022-JP (Music Codes); refused
  ExtendedKanji: 0x0d, // Extended Kanji JIS (X 0212-1990); refused
  Ksc5601: 0x0e, // KS C 5601; refused
  MessageClassGsm7: 0xf0, // GSM message class control, 1111 0 0 cc: GSM 7-bit, class in bits 1-0 (TS 23.038 4)
  MessageClass8Bit: 0xf4, // GSM message class control, 1111 0 1 cc: 8-bit data, class in bits 1-0 (TS 23.038 4)
} as const
export type DataCoding = number

export type { Alphabet }

/**
 * The alphabet behind a data_coding, or null for one the platform refuses with 0x0400. Accepted: the SMPP values it
 * can read (0x00-0x04, 0x08), the GSM message waiting groups 1100/1101 (GSM 7-bit text, TS 23.038 4), and the
 * message class group 1111 with its reserved bit 3 clear (0xF0-0xF7). Refused: JIS, Cyrillic, Hebrew, pictograms,
 * ISO-2022-JP, KS C 5601 (no codec here), the reserved values, 0xE0-0xEF (reserved in SMPP 3.4) and 0xF8-0xFF.
 */
export function alphabetOf(dataCoding: number): Alphabet | null {
  switch (dataCoding) {
    case DataCoding.SmscDefault:
      return 'gsm7'
    case DataCoding.Ia5:
      return 'ia5'
    case DataCoding.Latin1:
      return 'latin1'
    case DataCoding.Ucs2:
      return 'ucs2'
    case DataCoding.Binary8:
    case DataCoding.Binary:
      return 'binary'
  }
  if (dataCoding >= 0xc0 && dataCoding <= 0xdf) return 'gsm7' // message waiting indication, discard/store: GSM 7-bit
  if (dataCoding >= 0xf0 && dataCoding <= 0xf7) return dataCoding & 0x04 ? 'binary' : 'gsm7'
  return null
}

export const isKnownDataCoding = (dataCoding: number): boolean => alphabetOf(dataCoding) !== null

/** True when the octets are text that decodeText can read (not binary, not refused). */
export const isTextDataCoding = (dataCoding: number): boolean => {
  const a = alphabetOf(dataCoding)
  return a !== null && a !== 'binary'
}

/**
 * The text in short_message (or message_payload) octets. Returns null for binary and refused data codings: binary
 * content is not text, so callers that need something printable (logs, receipt text) use `bytes.toString('hex')`.
 * `tables`: the national language tables the part's UDH names (readPart's `tables`); they apply to GSM 7-bit text
 * only, and a receiver ignores them with any other data coding (TS 23.040 9.2.3.24.15/16).
 */
export function decodeText(dataCoding: number, bytes: Uint8Array, tables?: Gsm7Tables): string | null {
  switch (alphabetOf(dataCoding)) {
    case 'gsm7':
      return tables && (tables.locking !== 0 || tables.single !== 0) ? decodeWith(bytes, tables) : gsmDecode(bytes)
    case 'ia5':
      return ia5Decode(bytes)
    case 'latin1':
      return latin1Decode(bytes)
    case 'ucs2':
      return ucs2Decode(bytes)
    default:
      return null
  }
}

/** Octets for the text in the data coding, or null if a char is not representable or the coding is binary/refused. */
export function encodeText(text: string, dataCoding: number): Buffer | null {
  switch (alphabetOf(dataCoding)) {
    case 'gsm7':
      return gsmEncode(text)
    case 'ia5':
      return ia5Encode(text)
    case 'latin1':
      return latin1Encode(text)
    case 'ucs2':
      return ucs2Encode(text)
    default:
      return null
  }
}

export interface Chosen {
  dataCoding: number
  encoded: Buffer
  parts: number
}

/**
 * The cheapest encoding for the text: GSM 7-bit when every char is in the alphabet (160 per part), else UCS2 (70).
 * Latin-1 is used only with `latin1: true` (an upstream that wants it) and only when GSM 7-bit cannot hold the text:
 * Latin-1 parts hold 140 chars, fewer than GSM's 160.
 */
export function chooseEncoding(text: string, options: { latin1?: boolean; scheme?: Scheme } = {}): Chosen {
  const scheme = options.scheme ?? 'udh8'
  const candidates: number[] = [DataCoding.SmscDefault, ...(options.latin1 ? [DataCoding.Latin1] : []), DataCoding.Ucs2]
  for (const dataCoding of candidates) {
    const encoded = encodeText(text, dataCoding)
    if (encoded) return { dataCoding, encoded, parts: countSegments(encoded, alphabetOf(dataCoding)!, scheme) }
  }
  throw new Error('unreachable: UCS2 encodes every string')
}

/**
 * SMS segments the message costs on the air (the billing unit), for text or already-encoded octets. For 'payload'
 * the upstream splits message_payload itself; the count assumes it uses an 8-bit reference concatenation UDH.
 * Null when the text is not representable in the data coding (or a string is given for a binary coding).
 */
export function countParts(input: string | Uint8Array, dataCoding: number, scheme: Scheme): number | null {
  const alphabet = alphabetOf(dataCoding)
  const encoded = typeof input === 'string' ? encodeText(input, dataCoding) : input
  if (!encoded || !alphabet) return null
  return countSegments(encoded, alphabet, scheme)
}
