import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ucs2Decode, ucs2Encode, ucs2Units } from './ucs2'

// Any Unicode scalar value; fast-check's own 'binary' unit is far slower to set up.
const codePoint = fc.integer({ min: 0, max: 0x10ffff - 0x800 }).map((c) => String.fromCodePoint(c < 0xd800 ? c : c + 0x800))

describe('ucs2 (data_coding 0x08, UTF-16BE)', () => {
  it.each([
    ['A', '0041'],
    ['Привет', '041f04400438043204350442'],
    ['€', '20ac'],
    ['😀', 'd83dde00'], // outside the BMP: a surrogate pair
  ])('%j encodes to %s', (text, bytes) => {
    expect(ucs2Encode(text).toString('hex')).toBe(bytes)
    expect(ucs2Decode(Buffer.from(bytes, 'hex'))).toBe(text)
  })

  it('counts a char outside the BMP as 2 units', () => {
    expect(ucs2Units('a😀')).toBe(3)
  })

  it('drops an odd trailing octet instead of failing', () => {
    expect(ucs2Decode(Buffer.from('004100', 'hex'))).toBe('A')
    expect(ucs2Decode(Buffer.from('00', 'hex'))).toBe('')
  })

  it('does not modify the input when decoding', () => {
    const bytes = Buffer.from('0041', 'hex')
    ucs2Decode(bytes)
    expect(bytes.toString('hex')).toBe('0041')
  })

  it('round-trips any string, lone surrogates included', () => {
    const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: codePoint }), fc.string({ unit: anyUnit })), (text) => {
        expect(ucs2Decode(ucs2Encode(text))).toBe(text)
      }),
    )
  })
})
