import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor, InvalidCursor, longest, prefixesOf, Sk, upTo } from './keys'

describe('keys', () => {
  it('lists every prefix of the destination digits, the catch-all first', () => {
    expect(prefixesOf('+49 171')).toEqual(['', '4', '49', '491', '4917', '49171'])
    expect(prefixesOf('ACME')).toEqual([''])
    expect(prefixesOf('9'.repeat(40))).toHaveLength(25) // bounded: BatchGetItem takes at most 100 keys
  })

  it('picks the longest prefix that has an item', () => {
    const items = new Map([
      ['', 'all'],
      ['49', 'de'],
    ])
    expect(longest(prefixesOf('4917'), (p) => items.get(p))).toBe('de')
    expect(longest(prefixesOf('33'), (p) => items.get(p))).toBe('all')
  })

  it('makes `to` inclusive for day and time sort keys', () => {
    const sk = Sk.usage('2025-03-01', '49', 'CHARGED')
    expect(sk > '2025-03-01' && sk <= upTo('2025-03-01')).toBe(true)
    expect(Sk.usage('2025-03-02', '', 'CHARGED') <= upTo('2025-03-01')).toBe(false)
    const at = '2025-03-01T10:00:00.000Z'
    expect(Sk.ledger(at, 'e1') <= upTo(at)).toBe(true)
  })

  it('round-trips cursors and refuses forged ones', () => {
    const key = { pk: { S: 'TARIFF#p' }, sk: { S: 'P#49' } }
    expect(decodeCursor(encodeCursor(key))).toEqual(key)
    expect(decodeCursor(undefined)).toBeUndefined()
    expect(() => decodeCursor('bm90IGpzb24')).toThrow(InvalidCursor)
    expect(() => decodeCursor(encodeCursor(42))).toThrow(InvalidCursor)
  })
})
