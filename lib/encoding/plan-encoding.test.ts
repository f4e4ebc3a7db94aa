import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DataCoding, decodeText } from './data-coding'
import { charsOf } from './gsm7-tables'
import { NationalLanguage as L } from './national-language'
import { planEncoding } from './plan-encoding'
import { readPart, type Scheme, splitBytes } from './segments'
import { buildUdh } from './udh'

const udhHex = (plan: ReturnType<typeof planEncoding>) => (plan.udhIes.length ? buildUdh(plan.udhIes).toString('hex') : '')

// Samples long enough that UCS2 needs more parts than GSM 7-bit with the tables.
const turkish =
  'Sayın müşterimiz, siparişiniz bugün kargoya verildi. Teslimat için çağrı merkezimizi arayabilir, ' +
  'ödemenizi şubelerimizden yapabilirsiniz. İyi günler dileriz!'
const spanish =
  '¿Dónde está la estación? Mañana salimos a las nueve; el autobús pasará por la plaza mayor y el ' +
  'mercado. Información: llámenos al teléfono de atención.'
const portuguese =
  'Olá! A sua encomenda não pôde ser entregue hoje. Por favor, confirme o endereço e a informação ' +
  'de pagamento até amanhã às 18h. Obrigado pela atenção.'

describe('planEncoding', () => {
  it('keeps the default alphabet, without IEs, for a text it holds', () => {
    const plan = planEncoding('Hello {world} €5', { allowedShiftTables: [L.Turkish, L.Spanish] })
    expect(plan).toMatchObject({ dataCoding: DataCoding.SmscDefault, tables: { locking: 0, single: 0 }, udhIes: [], septets: 19, parts: 1 })
  })

  it.each([
    // Septets counted by hand: 157 chars, 150 + 8 ESC pairs (ó á ú; é and ñ are default chars), 149 chars.
    // ı ş ğ İ are only in the Turkish locking table (A.3.1): one 25 01 01 IE, one septet a char.
    ['Turkish', turkish, [L.Turkish], { locking: L.Turkish, single: 0 }, '03250101', 157, 2],
    // ó á í ú are in the Spanish single shift table (A.2.2): 24 01 02, two septets each.
    ['Spanish', spanish, [L.Spanish], { locking: 0, single: L.Spanish }, '03240102', 158, 2],
    // ã ô à are Portuguese locking (A.3.3); no char needs ESC, so no single shift IE either.
    ['Portuguese', portuguese, [L.Portuguese], { locking: L.Portuguese, single: 0 }, '03250103', 149, 1],
  ])('%s: writes the sample with the national tables', (_, text, allowed, tables, udh, septets, parts) => {
    const plan = planEncoding(text, { allowedShiftTables: allowed })
    expect(plan.parts).toBe(parts)
    expect(plan.dataCoding).toBe(DataCoding.SmscDefault)
    expect(plan.tables).toEqual(tables)
    expect(udhHex(plan)).toBe(udh)
    expect(plan.septets).toBe(septets)
    expect(planEncoding(text)).toMatchObject({ dataCoding: DataCoding.Ucs2, parts: 3 }) // not allowed: UCS2, as before
  })

  it('counts parts with the IEs in every UDH: 155 septets fit one SMS with one IE, 156 take two of 149', () => {
    const allowed = { allowedShiftTables: [L.Turkish] }
    expect(planEncoding('ı'.repeat(155), allowed)).toMatchObject({ septets: 155, parts: 1 })
    expect(planEncoding('ı'.repeat(156), allowed)).toMatchObject({ septets: 156, parts: 2 })
    expect(planEncoding('ı'.repeat(298), allowed).parts).toBe(2)
    expect(planEncoding('ı'.repeat(299), allowed).parts).toBe(3)
    expect(planEncoding('ı'.repeat(297), { ...allowed, scheme: 'udh16' }).parts).toBe(3) // 148 a part
  })

  it('takes both tables when the text needs a national ESC char too: 152 septets alone, 146 a part', () => {
    const text = 'क।' // क: Hindi locking (A.3.6, 0x15); । (danda): only in the Hindi single shift table (A.2.6), ESC 0x19
    const allowed = { allowedShiftTables: [L.Hindi] }
    const plan = planEncoding(text.repeat(50), allowed)
    expect(plan.tables).toEqual({ locking: L.Hindi, single: L.Hindi })
    expect(udhHex(plan)).toBe('06240106250106')
    expect(plan.encoded.subarray(0, 3).toString('hex')).toBe('151b19')
    expect(plan).toMatchObject({ septets: 150, parts: 1 })
    // 153 septets would take 2 parts, as UCS2 does (102 units): UCS2 wins the tie. 291 take 146 + 145 (an ESC pair
    // is never cut), 2 parts against UCS2's 3.
    expect(planEncoding(text.repeat(51), allowed).dataCoding).toBe(DataCoding.Ucs2)
    expect(planEncoding(text.repeat(97), allowed)).toMatchObject({ dataCoding: DataCoding.SmscDefault, septets: 291, parts: 2 })
    expect(planEncoding(text.repeat(98), allowed).parts).toBe(3)
  })

  it('needs no single shift IE where the default extension table holds the ESC chars', () => {
    const plan = planEncoding('ı['.repeat(80), { allowedShiftTables: [L.Turkish] }) // [ is ESC 0x3C in 6.2.1.1
    expect(plan).toMatchObject({ tables: { locking: L.Turkish, single: 0 }, septets: 240, parts: 2 }) // UCS2: 3
  })

  it('prefers a locking table to the default alphabet when that saves parts: € is one septet in A.3.1', () => {
    expect(planEncoding('€'.repeat(100)).parts).toBe(2) // 200 septets in the default alphabet
    const plan = planEncoding('€'.repeat(100), { allowedShiftTables: [L.Turkish] })
    expect(plan).toMatchObject({ tables: { locking: L.Turkish, single: 0 }, septets: 100, parts: 1 })
  })

  it('keeps UCS2 when the tables save no part: both travel in one SMS, and every handset shows UCS2', () => {
    expect(planEncoding('Teşekkürler', { allowedShiftTables: [L.Turkish] })).toMatchObject({ dataCoding: DataCoding.Ucs2, parts: 1 })
  })

  it('gives UCS2 for a char no allowed table holds, and uses no shift table with message_payload', () => {
    expect(planEncoding(`${turkish} 😀`, { allowedShiftTables: [L.Turkish] }).dataCoding).toBe(DataCoding.Ucs2)
    expect(planEncoding(turkish, { allowedShiftTables: [L.Spanish] }).dataCoding).toBe(DataCoding.Ucs2)
    expect(planEncoding(turkish, { allowedShiftTables: [L.Turkish], scheme: 'payload' }).dataCoding).toBe(DataCoding.Ucs2)
  })

  it('writes Hindi with its locking and single shift tables (A.3.6, A.2.6)', () => {
    const hindi = 'नमस्ते! आपका ऑर्डर आज भेज दिया गया है। धन्यवाद।'.repeat(3)
    const plan = planEncoding(hindi, { allowedShiftTables: [L.Hindi] })
    expect(plan.tables).toEqual({ locking: L.Hindi, single: L.Hindi }) // । (U+0964) is in the single shift table
    expect(plan.parts).toBeLessThan(planEncoding(hindi).parts)
  })
})

describe('planEncoding, split, read back', () => {
  const languages = [L.Turkish, L.Spanish, L.Portuguese, L.Bengali, L.Tamil, L.Urdu]
  const alphabet = [...new Set(languages.flatMap((id) => charsOf({ locking: id === L.Spanish ? 0 : id, single: id })))]
  it('decodes every part with the tables its UDH names and gives back the text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...alphabet), { maxLength: 600 }),
        fc.subarray(languages, { minLength: 1 }),
        fc.constantFrom<Scheme>('udh8', 'udh16', 'sar'),
        (cs, allowed, scheme) => {
          const text = cs.join('')
          const plan = planEncoding(text, { allowedShiftTables: allowed, scheme })
          const parts = splitBytes(plan.encoded, { dataCoding: plan.dataCoding, scheme, reference: 7, udhIes: plan.udhIes })
          expect(parts).toHaveLength(plan.parts)
          const read = parts.map((p) => readPart(p)!)
          for (const r of read) expect(r.tables ?? { locking: 0, single: 0 }).toEqual(plan.tables)
          expect(read.map((r) => decodeText(plan.dataCoding, r.payload, r.tables)).join('')).toBe(text)
        },
      ),
      { numRuns: 150 },
    )
  })
})
