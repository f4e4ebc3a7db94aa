// How much one SMS holds (3GPP TS 23.040 9.2.3.16: 140 octets of user data) and where a long message may be cut.
import type { Alphabet } from './alphabet'
import { Escape } from './gsm7'

/** How a long message travels: concatenation UDH with an 8- or 16-bit reference, SAR TLVs, or one message_payload. */
export type Scheme = 'udh8' | 'udh16' | 'sar' | 'payload'

// Per part: unsplit / after an 8-bit reference concat UDH (IEI 0x00, 6 octets with UDHL) / after a 16-bit one
// (IEI 0x08, 7 octets). GSM: (140 - 6) * 8 / 7 = 153 septets after fill bits, (140 - 7) * 8 / 7 = 152.
export const SegmentLimit = {
  Gsm7: { single: 160, udh8: 153, udh16: 152 }, // septets (TS 23.038 6.1.2.1); an escape pair counts 2
  Ucs2: { single: 70, udh8: 67, udh16: 66 }, // UTF-16 units; a surrogate pair counts 2
  Octet: { single: 140, udh8: 134, udh16: 133 }, // octets: Latin-1, IA5 and binary
} as const

const limitOf = (alphabet: Alphabet) =>
  alphabet === 'gsm7' ? SegmentLimit.Gsm7 : alphabet === 'ucs2' ? SegmentLimit.Ucs2 : SegmentLimit.Octet
const octetsPerUnit = (alphabet: Alphabet) => (alphabet === 'ucs2' ? 2 : 1)

/**
 * Capacity of one part of a split message, in units. SAR parts carry no UDH and could hold the full 160/70/140, but
 * the SMSC delivering them must turn SAR into a concat UDH over the air, so parts are sized as with an 8-bit UDH
 * (153/67/134): each SAR part is then exactly one handset segment and no SMSC has to re-split. The same size is
 * assumed for message_payload, which the upstream splits itself.
 */
export const partCapacity = (alphabet: Alphabet, scheme: Scheme): number => limitOf(alphabet)[scheme === 'udh16' ? 'udh16' : 'udh8']

export const singleCapacity = (alphabet: Alphabet): number => limitOf(alphabet).single

/** Units that fit in 140 octets of user data after a UDH of `udhOctets` octets (UDHL included); GSM septets after fill bits. */
export function capacityAfterUdh(alphabet: Alphabet, udhOctets: number): number {
  const octets = 140 - udhOctets
  return alphabet === 'gsm7' ? Math.floor((octets * 8) / 7) : alphabet === 'ucs2' ? Math.floor(octets / 2) : octets
}

/** The concatenation UDH's octets (UDHL included) as partCapacity sizes parts: 7 for udh16, else 6 (see partCapacity). */
const concatUdhOctets = (scheme: Scheme): number => (scheme === 'udh16' ? 7 : 6)

/**
 * Capacity of one SMS and of one part of a split message when every part's UDH also carries `extraIeOctets` octets of
 * other IEs (national language shift IEs, 3 octets each: TS 23.040 9.2.3.24.15/16). With none, singleCapacity and
 * partCapacity; with one shift IE a GSM text holds 155 septets alone and 149 per part, with two 152 and 146.
 */
export function capacities(alphabet: Alphabet, scheme: Scheme, extraIeOctets = 0): { single: number; part: number } {
  if (extraIeOctets === 0) return { single: singleCapacity(alphabet), part: partCapacity(alphabet, scheme) }
  return {
    single: capacityAfterUdh(alphabet, 1 + extraIeOctets),
    part: capacityAfterUdh(alphabet, concatUdhOctets(scheme) + extraIeOctets),
  }
}

/** Octets of the indivisible unit starting at `i`: an escape pair, a surrogate pair, or one unit. */
function unitLength(bytes: Uint8Array, i: number, alphabet: Alphabet): number {
  if (alphabet === 'gsm7') return (bytes[i] & 0x7f) === Escape && i + 1 < bytes.length ? 2 : 1
  if (alphabet === 'ucs2') {
    const high = (bytes[i] & 0xfc) === 0xd8
    const lowNext = i + 3 < bytes.length && (bytes[i + 2] & 0xfc) === 0xdc
    return high && lowNext ? 4 : Math.min(2, bytes.length - i)
  }
  return 1
}

/**
 * Octet lengths of the parts the encoded message splits into: one part if it fits unsplit, else parts of at most
 * partCapacity units that never cut a GSM escape pair or a UTF-16 surrogate pair (either would show as garbage).
 * `extraIeOctets`: octets of IEs every part's UDH carries besides concatenation (see capacities).
 */
export function partLengths(encoded: Uint8Array, alphabet: Alphabet, scheme: Scheme, extraIeOctets = 0): number[] {
  const unit = octetsPerUnit(alphabet)
  const capacity = capacities(alphabet, scheme, extraIeOctets)
  if (encoded.length <= capacity.single * unit) return [encoded.length]
  const max = capacity.part * unit
  const lengths: number[] = []
  let start = 0
  let i = 0
  while (i < encoded.length) {
    const n = unitLength(encoded, i, alphabet)
    if (i + n - start > max) {
      lengths.push(i - start)
      start = i
    }
    i += n
  }
  lengths.push(i - start)
  return lengths
}

/** SMS segments the encoded message costs (see partLengths). */
export const countSegments = (encoded: Uint8Array, alphabet: Alphabet, scheme: Scheme, extraIeOctets = 0): number =>
  partLengths(encoded, alphabet, scheme, extraIeOctets).length
