import { describe, expect, it } from 'vitest'
import { alphabetOf, chooseEncoding, countParts, DataCoding, decodeText, encodeText, isKnownDataCoding } from './data-coding'

describe('isKnownDataCoding (0x0400 otherwise)', () => {
  it.each([
    [0x00, 'gsm7'],
    [0x01, 'ia5'],
    [0x02, 'binary'],
    [0x03, 'latin1'],
    [0x04, 'binary'],
    [0x08, 'ucs2'],
    [0xc0, 'gsm7'], // message waiting, discard (TS 23.038 4)
    [0xdf, 'gsm7'], // message waiting, store
    [0xf0, 'gsm7'], // class 0 (flash), GSM 7-bit
    [0xf1, 'gsm7'],
    [0xf4, 'binary'], // class 0, 8-bit data
    [0xf7, 'binary'],
  ])('accepts 0x%s as %s', (dc, alphabet) => {
    expect(isKnownDataCoding(dc)).toBe(true)
    expect(alphabetOf(dc)).toBe(alphabet)
  })

  it.each([0x05, 0x06, 0x07, 0x09, 0x0a, 0x0b, 0x0d, 0x0e, 0x0f, 0x10, 0x7f, 0xbf, 0xe0, 0xef, 0xf8, 0xff, -1, 256])(
    'refuses 0x%s',
    (dc) => {
      expect(isKnownDataCoding(dc)).toBe(false)
    },
  )
})

describe('decodeText / encodeText', () => {
  it.each([
    [DataCoding.SmscDefault, 'a€', '611b65'],
    [DataCoding.MessageClassGsm7, 'a€', '611b65'],
    [DataCoding.Ia5, 'Hi', '4869'],
    [DataCoding.Latin1, 'café', '636166e9'],
    [DataCoding.Ucs2, 'Ж😀', '0416d83dde00'],
  ])('data_coding 0x%s: %j <-> %s', (dc, text, bytes) => {
    expect(encodeText(text, dc)?.toString('hex')).toBe(bytes)
    expect(decodeText(dc, Buffer.from(bytes, 'hex'))).toBe(text)
  })

  it.each([DataCoding.Binary8, DataCoding.Binary, DataCoding.MessageClass8Bit, DataCoding.Jis])('0x%s is not text: null', (dc) => {
    expect(decodeText(dc, Buffer.from('0102', 'hex'))).toBeNull()
    expect(encodeText('x', dc)).toBeNull()
  })
})

describe('chooseEncoding', () => {
  it.each([
    ['hello', DataCoding.SmscDefault, 1],
    ['café €5 {ok}', DataCoding.SmscDefault, 1], // é, € and braces are all GSM
    ['a'.repeat(160), DataCoding.SmscDefault, 1],
    ['a'.repeat(161), DataCoding.SmscDefault, 2],
    ['ça va', DataCoding.Ucs2, 1], // ç is not GSM; Latin-1 only when asked
    ['Привет', DataCoding.Ucs2, 1],
    ['Ж'.repeat(71), DataCoding.Ucs2, 2],
  ])('%j -> 0x%s in %i part(s)', (text, dc, parts) => {
    const chosen = chooseEncoding(text)
    expect(chosen).toMatchObject({ dataCoding: dc, parts })
    expect(decodeText(chosen.dataCoding, chosen.encoded)).toBe(text)
  })

  it('uses Latin-1 when asked and GSM cannot hold the text', () => {
    expect(chooseEncoding('ça va', { latin1: true })).toMatchObject({ dataCoding: DataCoding.Latin1, parts: 1 })
    expect(chooseEncoding('ca va', { latin1: true }).dataCoding).toBe(DataCoding.SmscDefault)
    expect(chooseEncoding('ça € va', { latin1: true }).dataCoding).toBe(DataCoding.Ucs2)
  })

  it('counts parts for the scheme', () => {
    expect(chooseEncoding('a'.repeat(305), { scheme: 'udh16' }).parts).toBe(3)
    expect(chooseEncoding('a'.repeat(305), { scheme: 'udh8' }).parts).toBe(2)
  })
})

describe('countParts', () => {
  const gsm = DataCoding.SmscDefault
  const ucs2 = DataCoding.Ucs2
  const bin = DataCoding.Binary
  it.each([
    // GSM 7-bit: 160 single, 153 with an 8-bit concat UDH, 152 with a 16-bit one
    ['a', 160, gsm, 'udh8', 1],
    ['a', 161, gsm, 'udh8', 2],
    ['a', 306, gsm, 'udh8', 2],
    ['a', 307, gsm, 'udh8', 3],
    ['a', 304, gsm, 'udh16', 2],
    ['a', 305, gsm, 'udh16', 3],
    ['€', 80, gsm, 'udh8', 1], // 160 septets
    ['€', 81, gsm, 'udh8', 2], // 162 septets: 76 pairs fit in 153
    ['€', 152, gsm, 'udh8', 2],
    ['€', 153, gsm, 'udh8', 3], // 306 septets would fit 2 x 153, but a pair cannot straddle parts
    // SAR and message_payload parts are sized like 8-bit UDH ones (see segment-limits.ts)
    ['a', 306, gsm, 'sar', 2],
    ['a', 307, gsm, 'sar', 3],
    ['a', 307, gsm, 'payload', 3],
    // UCS2: 70 single, 67 / 66
    ['Ж', 70, ucs2, 'udh8', 1],
    ['Ж', 71, ucs2, 'udh8', 2],
    ['Ж', 134, ucs2, 'udh8', 2],
    ['Ж', 135, ucs2, 'udh8', 3],
    ['Ж', 132, ucs2, 'udh16', 2],
    ['Ж', 133, ucs2, 'udh16', 3],
    ['😀', 35, ucs2, 'udh8', 1], // 70 units
    ['😀', 36, ucs2, 'udh8', 2],
  ] as const)('%j x %i in 0x%s with %s: %i part(s)', (ch, n, dc, scheme, parts) => {
    expect(countParts(ch.repeat(n), dc, scheme)).toBe(parts)
  })

  it.each([
    [140, 'udh8', 1],
    [141, 'udh8', 2],
    [268, 'udh8', 2],
    [269, 'udh8', 3],
    [266, 'udh16', 2],
    [267, 'udh16', 3],
  ] as const)('binary %i octets with %s: %i part(s) (140 / 134 / 133)', (n, scheme, parts) => {
    expect(countParts(Buffer.alloc(n), bin, scheme)).toBe(parts)
  })

  it('is null for text the data coding cannot hold, or a refused coding', () => {
    expect(countParts('Привет', gsm, 'udh8')).toBeNull()
    expect(countParts('x', bin, 'udh8')).toBeNull()
    expect(countParts(Buffer.alloc(3), 0x05, 'udh8')).toBeNull()
  })
})
