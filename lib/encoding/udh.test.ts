import { describe, expect, it } from 'vitest'
import { buildUdh, concatIe, concatUdh, Iei, ieOctets, parseUdh, septetFillBits, shiftIes } from './udh'

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex')

describe('concatUdh', () => {
  it.each([
    [{ reference: 0xcc, total: 3, seq: 1, bits: 8 }, '050003cc0301'],
    [{ reference: 0x1234, total: 2, seq: 2, bits: 16 }, '0608041234 0202'],
    [{ reference: 0x1ff, total: 2, seq: 1, bits: 8 }, '050003ff0201'], // 8-bit reference keeps its low octet
  ] as const)('%o -> %s', (concat, bytes) => {
    expect(concatUdh(concat).toString('hex')).toBe(bytes.replace(/\s/g, ''))
  })
})

describe('parseUdh', () => {
  it('reads an 8-bit reference concat UDH and the payload after it', () => {
    expect(parseUdh(hex('050003cc0301 68656c6c6f'))).toEqual({
      udh: [{ iei: Iei.Concat8, data: hex('cc0301') }],
      concat: { reference: 0xcc, total: 3, seq: 1, bits: 8 },
      payload: Buffer.from('hello'),
    })
  })

  it('reads a 16-bit reference concat UDH', () => {
    expect(parseUdh(hex('0608041234 0302 0041'))?.concat).toEqual({ reference: 0x1234, total: 3, seq: 2, bits: 16 })
  })

  it('reads a concat IE among others (port addressing first)', () => {
    const parsed = parseUdh(hex('0b 0504 0b8423f0 0003 07 02 01 ff'))
    expect(parsed?.udh.map((e) => e.iei)).toEqual([Iei.PortAddress16, Iei.Concat8])
    expect(parsed?.concat).toEqual({ reference: 7, total: 2, seq: 1, bits: 8 })
    expect(parsed?.payload).toEqual(hex('ff'))
  })

  it('uses the last concat IE when it repeats (TS 23.040 9.2.3.24)', () => {
    expect(parseUdh(hex('0a 000301 0201 000302 0302'))?.concat?.reference).toBe(2)
  })

  it.each([
    ['050003cc0001', 'total 0'],
    ['050003cc0200', 'seq 0'],
    ['050003cc0203', 'seq over total'],
  ])('ignores a concat IE with %s (%s), keeping the rest', (bytes) => {
    const parsed = parseUdh(hex(bytes))
    expect(parsed?.concat).toBeUndefined()
    expect(parsed?.udh).toHaveLength(1)
  })

  it.each([
    ['', 'empty'],
    ['06000300', 'UDHL past the end'],
    ['0300050102', 'IE length past the UDH'],
    ['0100', 'IE header cut'],
  ])('is null for %s (%s)', (bytes) => {
    expect(parseUdh(hex(bytes))).toBeNull()
  })

  it('accepts an empty UDH', () => {
    expect(parseUdh(hex('00 41'))).toEqual({ udh: [], concat: undefined, payload: hex('41') })
  })

  it('round-trips buildUdh', () => {
    const elements = [
      { iei: Iei.SpecialSms, data: hex('0100') },
      { iei: Iei.Concat16, data: hex('00010201') },
    ]
    expect(parseUdh(Buffer.concat([buildUdh(elements), hex('aa')]))?.udh).toEqual(elements)
  })
})

describe('septetFillBits', () => {
  it.each([
    [6, 1], // 8-bit concat UDH: 48 bits, next septet boundary at 49
    [7, 0], // 16-bit concat UDH: 56 bits, already a septet boundary
    [0, 0],
    [1, 6],
    [12, 2],
  ])('%i UDH octets need %i fill bits', (octets, fill) => {
    expect(septetFillBits(octets)).toBe(fill)
  })
})

describe('national language shift IEs (TS 23.040 9.2.3.24.15/16)', () => {
  it('builds 24 01 id for a single shift table and 25 01 id for a locking one, none for the default', () => {
    expect(buildUdh(shiftIes({ locking: 1, single: 0 })).toString('hex')).toBe('03250101')
    expect(buildUdh(shiftIes({ locking: 0, single: 2 })).toString('hex')).toBe('03240102')
    expect(buildUdh(shiftIes({ locking: 3, single: 3 })).toString('hex')).toBe('062401032501' + '03')
    expect(shiftIes({ locking: 0, single: 0 })).toEqual([])
    expect(ieOctets(shiftIes({ locking: 3, single: 3 }))).toBe(6)
  })

  it('reads the tables a UDH names, beside a concat IE; the one not named stays the default', () => {
    const udh = buildUdh([concatIe({ reference: 9, total: 2, seq: 1, bits: 8 }), ...shiftIes({ locking: 1, single: 0 })])
    expect(udh.toString('hex')).toBe('08000309020125' + '0101')
    const parsed = parseUdh(Buffer.concat([udh, hex('07')]))
    expect(parsed?.tables).toEqual({ locking: 1, single: 0 })
    expect(parsed?.concat).toEqual({ reference: 9, total: 2, seq: 1, bits: 8 })
    expect(parsed?.payload).toEqual(hex('07'))
  })

  it('uses the last occurrence of a repeated shift IE', () => {
    expect(parseUdh(hex('09 240101 250103 240102'))?.tables).toEqual({ locking: 3, single: 2 })
  })

  it('names no tables without the IEs, and ignores an IE of the wrong length', () => {
    expect(parseUdh(hex('050003cc0301 41'))?.tables).toBeUndefined()
    expect(parseUdh(hex('04 24020101 41'))?.tables).toBeUndefined()
  })
})
