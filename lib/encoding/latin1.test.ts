import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ia5Decode, ia5Encode } from './ia5'
import { latin1Decode, latin1Encode } from './latin1'

describe('latin1 (data_coding 0x03)', () => {
  it.each([
    ['café', '636166e9'],
    ['ÿ¡ß', 'ffa1df'],
    ['', ''],
  ])('%j encodes to %s', (text, bytes) => {
    expect(latin1Encode(text)?.toString('hex')).toBe(bytes)
    expect(latin1Decode(Buffer.from(bytes, 'hex'))).toBe(text)
  })

  it.each(['€', 'Ā', '😀'])('refuses %j, which is above U+00FF', (text) => {
    expect(latin1Encode(text)).toBeNull()
  })

  it('round-trips any string of U+0000-U+00FF', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)) }), (text) => {
        expect(latin1Decode(latin1Encode(text)!)).toBe(text)
      }),
    )
  })

  it('decodes a view into a larger buffer by its own bounds', () => {
    expect(latin1Decode(Buffer.from('xxcafexx').subarray(2, 6))).toBe('cafe')
  })
})

describe('ia5 (data_coding 0x01)', () => {
  it('encodes ASCII and refuses anything above U+007F', () => {
    expect(ia5Encode('Hi!')?.toString('hex')).toBe('486921')
    expect(ia5Encode('é')).toBeNull()
  })

  it('ignores the top bit when decoding', () => {
    expect(ia5Decode(Buffer.from([0xc8, 0x69]))).toBe('Hi')
  })

  it('round-trips any ASCII string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), (text) => {
        expect(ia5Decode(ia5Encode(text)!)).toBe(text)
      }),
    )
  })
})
