// GSM 7-bit text read and written with a national language locking shift table (the main table) and a single shift
// table (reached with ESC), 3GPP TS 23.038 6.2.1.2 and Annex A. Table 0 is the default alphabet (6.2.1) or its
// extension table (6.2.1.1), so `{ locking: 0, single: 0 }` gives the same septets as gsm7.ts.
import { DEFAULT_ALPHABET, Escape, GsmExtension, gsmDecode } from './gsm7'
import { DefaultTables, type Gsm7Tables } from './national-language'
import * as indic from './shift-tables-indic'
import * as latin from './shift-tables-latin'

const Empty = '·' // the tables' mark for a position they leave empty

const lockingSource: Partial<Record<number, readonly string[]>> = { ...latin.LockingShift, ...indic.LockingShift }
const singleSource: Partial<Record<number, readonly string[]>> = { ...latin.SingleShift, ...indic.SingleShift }

/** True when TS 23.038 defines a locking shift table for the identifier (0 and every language but Spanish). */
export const hasLockingTable = (id: number): boolean => id === 0 || lockingSource[id] !== undefined
/** True when TS 23.038 defines a single shift table for the identifier (0-13). */
export const hasSingleShiftTable = (id: number): boolean => id === 0 || singleSource[id] !== undefined

/** The tables as a receiver applies them: an identifier without a table falls back to the default (TS 23.038 6.2.1.2.4). */
export const supportedTables = ({ locking, single }: Gsm7Tables): Gsm7Tables => ({
  locking: hasLockingTable(locking) ? locking : 0,
  single: hasSingleShiftTable(single) ? single : 0,
})

/** One table as 128 chars, '' where it is empty (and at 0x1B, the escape). */
type Table = readonly string[]

const defaultLocking: Table = [...DEFAULT_ALPHABET].map((ch, i) => (i === Escape ? '' : ch))
const defaultSingle: Table = (() => {
  const t = new Array<string>(128).fill('')
  for (const septet of Object.values(GsmExtension)) t[septet] = gsmDecode(Buffer.from([Escape, septet]))
  return t
})()

const expand = (columns: readonly string[]): Table =>
  columns.flatMap((column) => [...column]).map((ch, i) => (ch === Empty || i === Escape ? '' : ch))

const tableCache = new Map<string, Table>()
function tableOf(kind: 'locking' | 'single', id: number): Table {
  if (id === 0) return kind === 'locking' ? defaultLocking : defaultSingle
  const key = `${kind}${id}`
  let t = tableCache.get(key)
  if (!t) {
    const source = (kind === 'locking' ? lockingSource : singleSource)[id]
    if (!source) throw new RangeError(`TS 23.038 defines no ${kind} shift table for language ${id}`)
    tableCache.set(key, (t = expand(source)))
  }
  return t
}

/** A char's position in a table; where a table lists a char twice (Indic single shift tables do), the first wins. */
function indexOf(table: Table): Map<string, number> {
  const m = new Map<string, number>()
  table.forEach((ch, septet) => {
    if (ch !== '' && !m.has(ch)) m.set(ch, septet)
  })
  return m
}

interface Codec {
  locking: Table
  single: Table
  byLocking: Map<string, number>
  bySingle: Map<string, number>
}
const codecCache = new Map<string, Codec>()
function codecOf({ locking, single }: Gsm7Tables): Codec {
  const key = `${locking}/${single}`
  let c = codecCache.get(key)
  if (!c) {
    const l = tableOf('locking', locking)
    const s = tableOf('single', single)
    codecCache.set(key, (c = { locking: l, single: s, byLocking: indexOf(l), bySingle: indexOf(s) }))
  }
  return c
}

/** Septets a char costs with the tables: 1 in the locking table, 2 (ESC + septet) in the single shift table, else null. */
export function septetCost(tables: Gsm7Tables): (ch: string) => 1 | 2 | null {
  const c = codecOf(tables)
  return (ch) => (c.byLocking.has(ch) ? 1 : c.bySingle.has(ch) ? 2 : null)
}

export const charSeptetsWith = (ch: string, tables: Gsm7Tables = DefaultTables): 1 | 2 | null => septetCost(tables)(ch)

/** Septets the text costs with the tables, or null if some char is in neither. Throws RangeError for an undefined table. */
export function septetsWith(text: string, tables: Gsm7Tables = DefaultTables): number | null {
  const c = codecOf(tables)
  let n = 0
  for (const ch of text) {
    if (c.byLocking.has(ch)) n += 1
    else if (c.bySingle.has(ch)) n += 2
    else return null
  }
  return n
}

/** Unpacked septets (one per octet, as SMPP carries data_coding 0), or null if some char is in neither table. */
export function encodeWith(text: string, tables: Gsm7Tables = DefaultTables): Buffer | null {
  const n = septetsWith(text, tables)
  if (n === null) return null
  const c = codecOf(tables)
  const out = Buffer.alloc(n)
  let i = 0
  for (const ch of text) {
    const septet = c.byLocking.get(ch)
    if (septet !== undefined) out[i++] = septet
    else {
      out[i++] = Escape
      out[i++] = c.bySingle.get(ch)!
    }
  }
  return out
}

/**
 * Decodes unpacked septets with the tables (an identifier without a table reads as the default, see supportedTables).
 * The top bit of each octet is ignored. ESC followed by a septet the single shift table leaves empty shows the locking
 * table's char (TS 23.038 6.2.1.1 note); ESC ESC and a trailing ESC show a space (the reserved extension of the
 * extension), and so does a position both tables leave empty (6.1.1: "displayed as a space").
 */
export function decodeWith(bytes: Uint8Array, tables: Gsm7Tables = DefaultTables): string {
  const c = codecOf(supportedTables(tables))
  let out = ''
  for (let i = 0; i < bytes.length; i++) {
    const septet = bytes[i] & 0x7f
    if (septet !== Escape) {
      out += c.locking[septet] || ' '
      continue
    }
    if (i + 1 >= bytes.length) {
      out += ' '
      break
    }
    const next = bytes[++i] & 0x7f
    out += next === Escape ? ' ' : c.single[next] || c.locking[next] || ' '
  }
  return out
}

/** Every char the tables can write, each once (for tests and docs). */
export function charsOf(tables: Gsm7Tables): string[] {
  const c = codecOf(tables)
  return [...new Set([...c.byLocking.keys(), ...c.bySingle.keys()])]
}
