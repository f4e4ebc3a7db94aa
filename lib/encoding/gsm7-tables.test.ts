import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Escape, gsmDecode, gsmEncode } from './gsm7'
import {
  charSeptetsWith,
  charsOf,
  decodeWith,
  encodeWith,
  hasLockingTable,
  hasSingleShiftTable,
  septetsWith,
  supportedTables,
} from './gsm7-tables'
import { DefaultTables, type Gsm7Tables, NationalLanguage as L } from './national-language'

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex')
const locking = (id: number, septet: number) => decodeWith(Buffer.from([septet]), { locking: id, single: 0 })
const single = (id: number, septet: number) => decodeWith(Buffer.from([Escape, septet]), { locking: 0, single: id })
const cp = (s: string) => `U+${s.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`

// Positions read off the tables of 3GPP TS 23.038 Annex A: [language, septet, char].
describe('locking shift tables (A.3)', () => {
  it.each<[number, number, string]>([
    [L.Turkish, 0x04, '€'],
    [L.Turkish, 0x07, 'ı'],
    [L.Turkish, 0x0b, 'Ğ'],
    [L.Turkish, 0x0c, 'ğ'],
    [L.Turkish, 0x1c, 'Ş'],
    [L.Turkish, 0x1d, 'ş'],
    [L.Turkish, 0x40, 'İ'],
    [L.Turkish, 0x60, 'ç'],
    [L.Portuguese, 0x04, 'ê'],
    [L.Portuguese, 0x09, 'ç'],
    [L.Portuguese, 0x12, 'ª'],
    [L.Portuguese, 0x15, '∞'],
    [L.Portuguese, 0x18, '€'],
    [L.Portuguese, 0x24, 'º'],
    [L.Portuguese, 0x5b, 'Ã'],
    [L.Portuguese, 0x60, '~'],
    [L.Portuguese, 0x7d, '`'],
    [L.Bengali, 0x00, '\u0981'],
    [L.Bengali, 0x2c, ','], // punctuation kept in the Indic tables' column 2
    [L.Hindi, 0x05, '\u0907'],
    [L.Hindi, 0x60, '\u0950'],
    [L.Kannada, 0x24, '\u0ca1'], // the printed table repeats U+0CAA here; see shift-tables-indic.ts
    [L.Kannada, 0x3d, '\u0caa'],
    [L.Malayalam, 0x7f, '\u0d79'],
    [L.Tamil, 0x7f, '\u0bf9'],
    [L.Telugu, 0x55, '\u0c43'],
    [L.Urdu, 0x00, '\u0627'],
    [L.Urdu, 0x7f, '\u0670'],
  ])('language %i: septet 0x%s', (id, septet, ch) => {
    expect(cp(locking(id, septet))).toBe(cp(ch))
  })

  it('every language but Spanish has one (A.3.2 is void)', () => {
    expect(Object.values(L).filter((id) => !hasLockingTable(id))).toEqual([L.Spanish])
    expect(Object.values(L).every(hasSingleShiftTable)).toBe(true)
    expect(hasSingleShiftTable(14)).toBe(false)
  })
})

describe('single shift tables (A.2)', () => {
  it.each<[number, number, string]>([
    [L.Turkish, 0x47, 'Ğ'],
    [L.Turkish, 0x49, 'İ'],
    [L.Turkish, 0x53, 'Ş'],
    [L.Turkish, 0x63, 'ç'],
    [L.Turkish, 0x69, 'ı'],
    [L.Turkish, 0x73, 'ş'],
    [L.Spanish, 0x09, 'ç'],
    [L.Spanish, 0x41, 'Á'],
    [L.Spanish, 0x49, 'Í'],
    [L.Spanish, 0x4f, 'Ó'],
    [L.Spanish, 0x55, 'Ú'],
    [L.Spanish, 0x61, 'á'],
    [L.Spanish, 0x75, 'ú'],
    [L.Portuguese, 0x12, 'Φ'],
    [L.Portuguese, 0x1f, 'Ê'],
    [L.Portuguese, 0x41, 'À'],
    [L.Portuguese, 0x5c, 'Õ'],
    [L.Portuguese, 0x7f, 'â'],
    [L.Bengali, 0x20, '\u09ec'],
    [L.Hindi, 0x30, '\u095b'],
    [L.Oriya, 0x20, '\u0b6a'],
    [L.Tamil, 0x24, '\u0bee'],
    [L.Telugu, 0x1d, '\u0c67'],
    [L.Malayalam, 0x2d, '\u0d75'],
    [L.Urdu, 0x20, '\u06f4'],
    ...[1, 2, 3, 4, 8, 13].map((id): [number, number, string] => [id, 0x65, '€']), // the euro sign keeps its place
    ...[4, 7, 13].map((id): [number, number, string] => [id, 0x41, 'A']), // the Indic single shift tables carry Latin capitals
  ])('language %i: ESC 0x%s', (id, septet, ch) => {
    expect(cp(single(id, septet))).toBe(cp(ch))
  })
})

describe('encodeWith / decodeWith', () => {
  it.each<[string, Gsm7Tables, string]>([
    // Turkish locking shift: ı ğ ş ç İ take one septet each (0x07, 0x0C, 0x1D, 0x60, 0x40).
    ['ığşçİ', { locking: L.Turkish, single: 0 }, '07 0c 1d 60 40'],
    // Spanish single shift: á costs ESC 0x61; ñ is in the default alphabet (0x7D).
    ['España á', { locking: 0, single: L.Spanish }, '45 73 70 61 7d 61 20 1b 61'],
    // Portuguese locking + single: ã (0x7B) and ç (0x09) locked; Φ only through ESC 0x12.
    ['ãçΦ', { locking: L.Portuguese, single: L.Portuguese }, '7b 09 1b 12'],
  ])('%j with %j is %s', (text, tables, septets) => {
    expect(encodeWith(text, tables)).toEqual(hex(septets))
    expect(decodeWith(hex(septets), tables)).toBe(text)
  })

  it('refuses a char neither table holds', () => {
    expect(encodeWith('ğ', DefaultTables)).toBeNull()
    expect(encodeWith('ğ', { locking: 0, single: L.Spanish })).toBeNull()
    expect(septetsWith('ş', { locking: 0, single: L.Turkish })).toBe(2)
    expect(charSeptetsWith('ş', { locking: L.Turkish, single: 0 })).toBe(1)
  })

  it('shows the locking table char after ESC where the single shift table is empty, a space for ESC ESC or a trailing ESC', () => {
    const tr = { locking: L.Turkish, single: L.Turkish }
    expect(decodeWith(hex('1b 07'), tr)).toBe('ı') // 0x07 is empty in A.2.1
    expect(decodeWith(hex('41 1b 1b 42 1b'), tr)).toBe('A B ')
  })

  it('reads an identifier without a table (Spanish locking, 14) as the default, as a receiver must', () => {
    expect(decodeWith(hex('7d 1b 65'), { locking: L.Spanish, single: 14 })).toBe('ñ€')
  })

  it('throws for an identifier without a table when encoding', () => {
    expect(() => encodeWith('a', { locking: L.Spanish, single: 0 })).toThrow(RangeError)
  })

  it('with the default tables gives the septets of gsm7.ts', () => {
    const chars = Array.from({ length: 128 }, (_, i) => i)
      .filter((i) => i !== Escape)
      .flatMap((i) => [gsmDecode(Buffer.from([i])), gsmDecode(Buffer.from([Escape, i]))])
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars)), (cs) => {
        const text = cs.join('')
        expect(encodeWith(text)).toEqual(gsmEncode(text))
        expect(decodeWith(gsmEncode(text)!)).toBe(gsmDecode(gsmEncode(text)!))
      }),
    )
  })
})

// Every table pair a sender may use: a language's locking table with its own or the default single shift table,
// and the default alphabet with each single shift table.
const pairs: Gsm7Tables[] = Object.values(L)
  .filter((id) => id !== 0)
  .flatMap((id) => [
    ...(hasLockingTable(id)
      ? [
          { locking: id, single: id },
          { locking: id, single: 0 },
        ]
      : []),
    { locking: 0, single: id },
  ])

describe.each(pairs)('round trip with %j', (tables) => {
  const chars = charsOf(tables)
  it('decodes what it encodes, in as many septets as counted', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 300 }), (cs) => {
        const text = cs.join('')
        const septets = encodeWith(text, tables)!
        expect(septets.length).toBe(septetsWith(text, tables))
        expect(septets.every((s) => s < 0x80)).toBe(true)
        expect(decodeWith(septets, tables)).toBe(text)
      }),
      { numRuns: 50 },
    )
  })
})

describe('decodeWith on any input', () => {
  it('never throws, and what it shows re-encodes with the same tables to septets that read the same', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 15 }),
        (bytes, locking, single) => {
          const shown = decodeWith(bytes, { locking, single })
          const tables = supportedTables({ locking, single }) // an identifier without a table reads as the default
          const again = encodeWith(shown, tables)
          expect(again).not.toBeNull()
          expect(decodeWith(again!, tables)).toBe(shown)
        },
      ),
      { numRuns: 500 },
    )
  })
})
