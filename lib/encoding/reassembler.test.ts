import { describe, expect, it } from 'vitest'
import { DataCoding } from './data-coding'
import { type Fragment, Reassembler } from './reassembler'

const frag = (seq: number, payload: string, over: Partial<Fragment> = {}): Fragment => ({
  key: 'demo/447700900001/447700900002',
  dataCoding: DataCoding.Latin1,
  scheme: 'udh8',
  reference: 7,
  total: 3,
  seq,
  payload: Buffer.from(payload, 'latin1'),
  ...over,
})

describe('Reassembler', () => {
  it('joins parts that arrive out of order and ignores a duplicate', () => {
    const r = new Reassembler()
    expect(r.push(frag(3, 'c'), 0)).toBeUndefined()
    expect(r.push(frag(1, 'a'), 1)).toBeUndefined()
    expect(r.push(frag(1, 'X'), 2)).toBeUndefined() // resubmitted part: the first copy stays
    expect(r.size).toBe(1)
    expect(r.push(frag(2, 'b'), 3)).toEqual({
      key: 'demo/447700900001/447700900002',
      reference: 7,
      dataCoding: DataCoding.Latin1,
      payload: Buffer.from('abc'),
      text: 'abc',
    })
    expect(r.size).toBe(0)
  })

  it('reads GSM parts with the shift tables their UDHs name, part by part when they differ (issue 17)', () => {
    const gsm = { total: 2, dataCoding: DataCoding.SmscDefault }
    const turkish = { locking: 1, single: 0 } // 0x07 is ı in A.3.1, ì in the default alphabet
    const same = new Reassembler()
    same.push(frag(1, '\x07', { ...gsm, tables: turkish }), 0)
    expect(same.push(frag(2, '\x07', { ...gsm, tables: turkish }), 0)?.text).toBe('ıı')
    const mixed = new Reassembler()
    mixed.push(frag(1, '\x07', { ...gsm, tables: turkish }), 0)
    expect(mixed.push(frag(2, '\x07', gsm), 0)?.text).toBe('ıì')
  })

  it('decodes after joining, so an escape pair cut by the sender still reads as one char', () => {
    const r = new Reassembler()
    r.push(frag(1, '\x61\x1b', { total: 2, dataCoding: DataCoding.SmscDefault }), 0)
    expect(r.push(frag(2, '\x65', { total: 2, dataCoding: DataCoding.SmscDefault }), 0)?.text).toBe('a€')
  })

  it('gives null text for binary parts', () => {
    const r = new Reassembler()
    expect(r.push(frag(1, '\x01', { total: 1, dataCoding: DataCoding.Binary }), 0)).toMatchObject({ payload: Buffer.from([1]), text: null })
  })

  it('keeps messages apart by key, scheme, reference and total', () => {
    const r = new Reassembler()
    r.push(frag(1, 'a'), 0)
    r.push(frag(1, 'a', { key: 'other' }), 0)
    r.push(frag(1, 'a', { scheme: 'sar' }), 0)
    r.push(frag(1, 'a', { reference: 8 }), 0)
    r.push(frag(1, 'a', { total: 2 }), 0)
    expect(r.size).toBe(5)
  })

  it('ignores a part whose seq is 0 or over the total', () => {
    const r = new Reassembler()
    expect(r.push(frag(0, 'a'), 0)).toBeUndefined()
    expect(r.push(frag(4, 'a'), 0)).toBeUndefined()
    expect(r.size).toBe(0)
  })

  it('expires incomplete messages once ttlMs has passed since their first part', () => {
    const r = new Reassembler({ ttlMs: 1000 })
    r.push(frag(1, 'a'), 0)
    r.push(frag(1, 'a', { reference: 8 }), 500)
    r.push(frag(2, 'b'), 900) // a later part does not extend the life of the message
    expect(r.expire(999)).toEqual([])
    expect(r.expire(1000)).toEqual([{ key: 'demo/447700900001/447700900002', reference: 7, total: 3, received: 2 }])
    expect(r.size).toBe(1)
    expect(r.expire(1500)).toHaveLength(1)
    expect(r.size).toBe(0)
  })

  it('drops the oldest open message when maxOpen is reached', () => {
    const r = new Reassembler({ maxOpen: 2 })
    r.push(frag(1, 'a', { reference: 1 }), 0)
    r.push(frag(1, 'a', { reference: 2 }), 0)
    r.push(frag(1, 'a', { reference: 3 }), 0)
    expect(r.size).toBe(2)
    expect(r.dropped).toBe(1)
    r.push(frag(2, 'b', { reference: 1 }), 0) // reference 1 was dropped: this starts it afresh
    expect(r.push(frag(3, 'c', { reference: 1 }), 0)).toBeUndefined()
    expect(r.push(frag(2, 'b', { reference: 3 }), 0)).toBeUndefined()
    expect(r.push(frag(3, 'c', { reference: 3 }), 0)?.text).toBe('abc')
  })
})
