import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Escape, GsmExtension, gsmDecode, gsmEncode, gsmSeptets, packSeptets, unpackSeptets } from './gsm7'

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex')
const defaultChars = Array.from({ length: 128 }, (_, i) => i)
  .filter((i) => i !== Escape)
  .map((i) => gsmDecode(Buffer.from([i])))
const extensionChars = Object.values(GsmExtension).map((v) => gsmDecode(Buffer.from([Escape, v])))
const gsmText = fc.array(fc.constantFrom(...defaultChars, ...extensionChars), { maxLength: 400 }).map((cs) => cs.join(''))

describe('gsmSeptets', () => {
  it.each([
    ['', 0],
    ['hello', 5],
    ['€', 2], // extension table: ESC + 0x65
    ['{[~]}|\\^\f', 18],
    ['@£$¥èéùìòÇ', 10],
    ['Ä Ö Ñ Ü § ¿ à ΔΦΓΛΩΠΨΣΘΞ', 24],
    ['ç', null], // only capital Ç is in the default alphabet
    ['á', null],
    ['😀', null],
    ['Привет', null],
  ])('%j costs %s septets', (text, septets) => {
    expect(gsmSeptets(text)).toBe(septets)
  })
})

describe('gsmEncode / gsmDecode', () => {
  it.each([
    ['hellohello', '68656c6c6f68656c6c6f'],
    ['@£$', '000102'],
    ['€', '1b65'],
    ['a{b}', '611b28621b29'],
    ['\f\n\r', '1b0a0a0d'],
    ['¡¿§à', '40605f7f'],
  ])('%j encodes to %s', (text, bytes) => {
    expect(gsmEncode(text)?.toString('hex')).toBe(bytes)
    expect(gsmDecode(hex(bytes))).toBe(text)
  })

  it('returns null for a char outside the alphabet', () => {
    expect(gsmEncode('price: 5 ₽')).toBeNull()
  })

  it.each([
    ['1b41', 'A'], // escape to an undefined extension code shows the default char (TS 23.038 6.2.1.1)
    ['1b0d', '\r'], // CR2 is not mapped: default char
    ['1b1b41', ' A'], // ESC ESC: reserved extension of the extension shows a space
    ['41 1b', 'A '], // a trailing ESC
    ['c1', 'A'], // the top bit of an unpacked septet is ignored
  ])('decodes %s leniently as %j', (bytes, text) => {
    expect(gsmDecode(hex(bytes))).toBe(text)
  })

  // The decoder fills a scratch buffer of 4096 code units and starts a new one when it is full.
  it.each([4095, 4096, 4097, 9000])('decodes a message_payload of %i chars, with an escape at every boundary', (n) => {
    const text = Array.from({ length: n }, (_, i) => (i % 4095 === 4094 ? '€' : 'abc@£'[i % 5])).join('')
    expect(gsmDecode(gsmEncode(text)!)).toBe(text)
  })

  it('round-trips any text of the alphabet and counts its septets', () => {
    fc.assert(
      fc.property(gsmText, (text) => {
        const encoded = gsmEncode(text)
        expect(encoded).not.toBeNull()
        expect(encoded!.length).toBe(gsmSeptets(text))
        expect(gsmDecode(encoded!)).toBe(text)
      }),
    )
  })
})

describe('packSeptets / unpackSeptets', () => {
  it.each([
    ['hellohello', 0, 'e8329bfd4697d9ec37'],
    ['hello', 0, 'e8329bfd06'],
    ['12345678', 0, '31d98c56b3dd70'], // 8 septets fill exactly 7 octets
  ])('packs %j with %i fill bits to %s', (text, fill, packed) => {
    const septets = gsmEncode(text)!
    expect(packSeptets(septets, fill).toString('hex')).toBe(packed)
    expect(unpackSeptets(hex(packed), septets.length, fill)).toEqual(septets)
  })

  it.each([
    [1, 'fe'], // after a 6-octet concat UDH: one fill bit, then the septet
    [2, 'fc01'],
    [6, 'c01f'],
  ])('places a septet after %i fill bits (TS 23.040 9.2.3.24)', (fill, packed) => {
    expect(packSeptets(Buffer.from([0x7f]), fill).toString('hex')).toBe(packed)
    expect(unpackSeptets(hex(packed), 1, fill)).toEqual(Buffer.from([0x7f]))
  })

  it('unpack inverts pack for any septets and fill', () => {
    fc.assert(
      fc.property(fc.uint8Array({ max: 0x7f, maxLength: 200 }), fc.integer({ min: 0, max: 6 }), (septets, fill) => {
        const packed = packSeptets(septets, fill)
        expect(packed.length).toBe(Math.ceil((fill + septets.length * 7) / 8))
        expect(unpackSeptets(packed, septets.length, fill)).toEqual(Buffer.from(septets))
      }),
    )
  })
})
