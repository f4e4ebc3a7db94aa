// Which encoding a text should travel in, counting national language shift tables (3GPP TS 23.038 6.2.1.2, Annex A)
// and the UDH octets their IEs take in every part (TS 23.040 9.2.3.24.15/16). Pure: the pipeline decides which tables an
// upstream accepts and passes them in.
import { DataCoding } from './data-coding'
import { encodeWith, hasLockingTable, hasSingleShiftTable, septetCost } from './gsm7-tables'
import { DefaultTables, type Gsm7Tables } from './national-language'
import { capacities, countSegments, type Scheme } from './segment-limits'
import { ucs2Encode } from './ucs2'
import { type InformationElement, ieOctets, shiftIes } from './udh'

export interface PlanOptions {
  /**
   * National Language Identifiers (1-13) the receiving side accepts; none by default, which gives GSM 7-bit when the
   * default alphabet holds the text and UCS2 otherwise. Each allowed language may serve as single shift table and,
   * where the language has one (all but Spanish), as locking shift table.
   */
  allowedShiftTables?: readonly number[]
  /** How a long message travels (default udh8). Shift tables are not used with 'payload' (see splitBytes). */
  scheme?: Scheme
}

export interface EncodingPlan {
  dataCoding: number // 0x00 (GSM 7-bit, unpacked septets) or 0x08 (UCS2)
  /** The tables the septets are written with; both 0 for the default alphabet and for UCS2. */
  tables: Gsm7Tables
  /** The shift IEs every part's UDH must carry (splitBytes' udhIes); empty without shift tables. */
  udhIes: InformationElement[]
  encoded: Buffer
  /** Septets of the text (an ESC pair counts 2), or null for UCS2. */
  septets: number | null
  /** SMS parts the text costs on the air, with the IEs counted in each part's UDH. */
  parts: number
}

interface Candidate {
  tables: Gsm7Tables
  ies: InformationElement[]
  septets: number
  parts: number
}

// Cheaper first: fewer parts; then fewer IEs (fewer handsets need to know a table); then fewer septets.
const better = (a: Candidate, b: Candidate): boolean =>
  a.parts !== b.parts ? a.parts < b.parts : a.ies.length !== b.ies.length ? a.ies.length < b.ies.length : a.septets < b.septets

/** How often each char occurs: every table pair is then judged on the distinct chars, not the whole text again. */
function charCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1)
  return counts
}

function gsmCandidate(text: string, counts: Map<string, number>, tables: Gsm7Tables, scheme: Scheme): Candidate | null {
  const cost = septetCost(tables)
  let septets = 0
  let escapes = 0
  for (const [ch, n] of counts) {
    const c = cost(ch)
    if (c === null) return null
    septets += c * n
    if (c === 2) escapes += n
  }
  const ies = shiftIes(tables)
  const extra = ieOctets(ies)
  const capacity = capacities('gsm7', scheme, extra)
  // Without ESC pairs the parts are plain division; with them, split for real, since a pair is never cut in two.
  const parts =
    septets <= capacity.single
      ? 1
      : escapes === 0
        ? Math.ceil(septets / capacity.part)
        : countSegments(encodeWith(text, tables)!, 'gsm7', scheme, extra)
  return { tables, ies, septets, parts }
}

/**
 * The cheapest way to send the text: the GSM 7-bit default alphabet, the default alphabet with a national single shift
 * table, a national locking shift table with the default or a national single shift table, else UCS2. Every pair of
 * allowed tables is tried and the fewest parts wins. A shift-table encoding that costs as many parts as UCS2 loses to
 * UCS2, which every handset shows; the default alphabet, when it holds the text and is as cheap as any, always wins.
 */
export function planEncoding(text: string, options: PlanOptions = {}): EncodingPlan {
  const scheme = options.scheme ?? 'udh8'
  const allowed = scheme === 'payload' ? [] : [...new Set(options.allowedShiftTables ?? [])].filter((id) => id !== 0)
  const lockings = [0, ...allowed.filter(hasLockingTable)]
  const singles = [0, ...allowed.filter(hasSingleShiftTable)]
  const counts = charCounts(text)
  let best = gsmCandidate(text, counts, DefaultTables, scheme)
  for (const locking of lockings) {
    for (const single of singles) {
      if (locking === 0 && single === 0) continue
      const c = gsmCandidate(text, counts, { locking, single }, scheme)
      if (c && (!best || better(c, best))) best = c
    }
  }
  const ucs2 = ucs2Encode(text)
  const ucs2Parts = countSegments(ucs2, 'ucs2', scheme)
  if (best && (best.ies.length === 0 || best.parts < ucs2Parts)) {
    const { tables, ies, septets, parts } = best
    return { dataCoding: DataCoding.SmscDefault, tables, udhIes: ies, encoded: encodeWith(text, tables)!, septets, parts }
  }
  return { dataCoding: DataCoding.Ucs2, tables: DefaultTables, udhIes: [], encoded: ucs2, septets: null, parts: ucs2Parts }
}
