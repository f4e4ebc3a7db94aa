import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DataCoding, decodeText } from './data-coding'
import { Escape, GsmExtension, gsmDecode } from './gsm7'
import { Reassembler } from './reassembler'
import { type Part, readPart, type Scheme, splitBytes, splitText } from './segments'
import { EsmClassUdhi } from './udh'

// Any Unicode scalar value; fast-check's own 'binary' unit is far slower to set up.
const codePoint = fc.integer({ min: 0, max: 0x10ffff - 0x800 }).map((c) => String.fromCodePoint(c < 0xd800 ? c : c + 0x800))

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex')

describe('splitText', () => {
  it('keeps a message that fits one SMS as one plain part', () => {
    expect(splitText('hello', { scheme: 'udh8', reference: 1 })).toEqual([
      { shortMessage: Buffer.from('hello'), esmClass: 0, dataCoding: DataCoding.SmscDefault },
    ])
    expect(splitText('a'.repeat(160), { scheme: 'sar', reference: 1 })).toHaveLength(1)
  })

  it('prefixes 8-bit reference parts with 05 00 03 ref total seq and sets UDHI', () => {
    const parts = splitText('a'.repeat(200), { scheme: 'udh8', reference: 0x142 })!
    expect(parts.map((p) => p.shortMessage.subarray(0, 6).toString('hex'))).toEqual(['050003420201', '050003420202'])
    expect(parts.map((p) => p.shortMessage.length - 6)).toEqual([153, 47])
    expect(parts.every((p) => p.esmClass === EsmClassUdhi)).toBe(true)
  })

  it('prefixes 16-bit reference parts with 06 08 04 ref ref total seq', () => {
    const parts = splitText('a'.repeat(305), { scheme: 'udh16', reference: 0x1234 })!
    expect(parts.map((p) => p.shortMessage.subarray(0, 7).toString('hex'))).toEqual(['06080412340301', '06080412340302', '06080412340303'])
    expect(parts.map((p) => p.shortMessage.length - 7)).toEqual([152, 152, 1])
  })

  it('carries SAR TLVs instead of a UDH, parts sized 153 like an 8-bit UDH', () => {
    const parts = splitText('a'.repeat(200), { scheme: 'sar', reference: 0x10007 })!
    expect(parts.map(({ shortMessage, ...rest }) => ({ length: shortMessage.length, ...rest }))).toEqual([
      { length: 153, esmClass: 0, dataCoding: 0, sarMsgRefNum: 7, sarTotalSegments: 2, sarSegmentSeqnum: 1 },
      { length: 47, esmClass: 0, dataCoding: 0, sarMsgRefNum: 7, sarTotalSegments: 2, sarSegmentSeqnum: 2 },
    ])
  })

  it('puts a whole text in message_payload', () => {
    expect(splitText('Ж'.repeat(100), { scheme: 'payload', reference: 0 })).toEqual([
      {
        shortMessage: Buffer.alloc(0),
        esmClass: 0,
        dataCoding: DataCoding.Ucs2,
        messagePayload: Buffer.from('Ж'.repeat(100), 'utf16le').swap16(),
      },
    ])
  })

  it.each([
    ['udh8', 152, 153],
    ['udh16', 151, 152],
  ] as const)('moves an escape pair that would straddle a %s boundary whole to the next part', (scheme, before, capacity) => {
    const text = 'a'.repeat(before) + '€' + 'b'.repeat(10)
    const parts = splitText(text, { scheme, reference: 9 })!
    const udh = scheme === 'udh8' ? 6 : 7
    expect(parts.map((p) => p.shortMessage.length - udh)).toEqual([before, 12])
    expect(parts[1].shortMessage.subarray(udh, udh + 2)).toEqual(hex('1b65'))
    // one char less before it, and the pair fits exactly
    const exact = splitText('a'.repeat(before - 1) + '€' + 'b'.repeat(10), { scheme, reference: 9 })!
    expect(exact[0].shortMessage.length - udh).toBe(capacity)
  })

  it('moves a surrogate pair that would straddle a UCS2 boundary whole to the next part', () => {
    const parts = splitText('Ж'.repeat(66) + '😀' + 'Ж'.repeat(10), { scheme: 'udh8', reference: 9 })!
    expect(parts.map((p) => p.shortMessage.length - 6)).toEqual([132, 24])
    expect(parts[1].shortMessage.subarray(6, 10)).toEqual(hex('d83dde00'))
    expect(splitText('Ж'.repeat(65) + '😀' + 'Ж'.repeat(10), { scheme: 'udh8', reference: 9 })![0].shortMessage.length - 6).toBe(134)
  })

  it('is null when the text is not representable in the asked data coding', () => {
    expect(splitText('Привет', { dataCoding: DataCoding.SmscDefault, scheme: 'udh8', reference: 1 })).toBeNull()
  })

  it('refuses more than 255 parts', () => {
    expect(() => splitText('a'.repeat(153 * 255 + 1), { scheme: 'udh8', reference: 1 })).toThrow(RangeError)
    expect(splitText('a'.repeat(153 * 255), { scheme: 'udh8', reference: 1 })).toHaveLength(255)
  })
})

describe('splitBytes', () => {
  it('splits binary at 134 octets after an 8-bit UDH, 133 after a 16-bit one', () => {
    const bytes = Buffer.alloc(300, 0xab)
    expect(
      splitBytes(bytes, { dataCoding: DataCoding.Binary, scheme: 'udh8', reference: 1 }).map((p) => p.shortMessage.length - 6),
    ).toEqual([134, 134, 32])
    expect(
      splitBytes(bytes, { dataCoding: DataCoding.Binary, scheme: 'udh16', reference: 1 }).map((p) => p.shortMessage.length - 7),
    ).toEqual([133, 133, 34])
  })

  it('refuses a data coding it cannot split', () => {
    expect(() => splitBytes(Buffer.alloc(1), { dataCoding: 0x05, scheme: 'udh8', reference: 1 })).toThrow(RangeError)
  })
})

describe('readPart', () => {
  it('reads SAR TLVs', () => {
    expect(readPart({ shortMessage: Buffer.from('ab'), esmClass: 0, sarMsgRefNum: 5, sarTotalSegments: 2, sarSegmentSeqnum: 2 })).toEqual({
      payload: Buffer.from('ab'),
      concat: { scheme: 'sar', reference: 5, total: 2, seq: 2 },
    })
  })

  it('reads a UDH only when UDHI is set', () => {
    const shortMessage = hex('050003010201 41')
    expect(readPart({ shortMessage, esmClass: 0x40 })?.concat).toEqual({ scheme: 'udh8', reference: 1, total: 2, seq: 1 })
    expect(readPart({ shortMessage, esmClass: 0x00 })).toEqual({ payload: shortMessage, concat: undefined })
  })

  it('is null for a malformed UDH', () => {
    expect(readPart({ shortMessage: hex('09 0003'), esmClass: 0x43 })).toBeNull()
  })
})

const gsmChars = [
  ...Array.from({ length: 128 }, (_, i) => i)
    .filter((i) => i !== Escape)
    .map((i) => gsmDecode(Buffer.from([i]))),
  ...Object.values(GsmExtension).map((v) => gsmDecode(Buffer.from([Escape, v]))),
]
// size 'max' so that texts long enough to need several parts are common, not rare.
const anyText = fc.oneof(
  fc.array(fc.constantFrom(...gsmChars, '€', '€', '{'), { maxLength: 700, size: 'max' }).map((cs) => cs.join('')),
  fc.string({ unit: codePoint, maxLength: 300, size: 'max' }),
  fc.array(fc.constantFrom('Ж', '😀', 'a'), { maxLength: 300, size: 'max' }).map((cs) => cs.join('')),
)
const scheme = fc.constantFrom<Scheme>('udh8', 'udh16', 'sar', 'payload')

const reassemble = (parts: Part[]): string | null | undefined => {
  const r = new Reassembler()
  let text: string | null | undefined
  for (const part of parts) {
    const received = readPart(part)!
    if (!received.concat) return decodeText(part.dataCoding, received.payload)
    const done = r.push({ key: 'a/b', dataCoding: part.dataCoding, ...received.concat, payload: received.payload }, 0)
    if (done) text = done.text
  }
  return text
}

describe('split then reassemble', () => {
  it('gives back the text for any text, scheme and part order, duplicates included', () => {
    let multipart = 0
    fc.assert(
      fc.property(anyText, scheme, fc.integer({ min: 0, max: 0xffff }), fc.infiniteStream(fc.nat()), (text, s, reference, rnd) => {
        const parts = splitText(text, { scheme: s, reference })!
        if (parts.length > 1) multipart++
        const shuffled = [...parts, ...parts.slice(0, 2)].sort(() => (rnd.next().value % 3) - 1)
        expect(reassemble(shuffled)).toBe(text)
      }),
      { numRuns: 300 },
    )
    expect(multipart).toBeGreaterThan(50)
  })

  it('never exceeds a part capacity and never leaves a split pair', () => {
    fc.assert(
      fc.property(anyText, scheme, (text, s) => {
        const parts = splitText(text, { scheme: s, reference: 1 })!
        for (const part of parts) {
          const { payload } = readPart(part)!
          const udh = part.shortMessage.length - payload.length
          if (s !== 'payload') expect(part.shortMessage.length).toBeLessThanOrEqual(part.dataCoding === DataCoding.Ucs2 ? 140 : 160)
          if (parts.length > 1) expect(udh).toBe(s === 'udh8' ? 6 : s === 'udh16' ? 7 : 0)
          // each part decodes on its own: no dangling escape, no lone half of a surrogate pair the text did not have
          const alone = decodeText(part.dataCoding, payload)!
          expect(text.includes(alone)).toBe(true)
        }
      }),
    )
  })
})
