import { describe, expect, it } from 'vitest'
import { Chain, hops, parseMarks, requestTimes } from './hops'

describe('bench/hops', () => {
  it('numbers a repeated event and measures each hop between its two marks', () => {
    const marks = parseMarks([
      '100 esme submit m1',
      '130 node sent:submit m1',
      '400 functions sent:verdict m1',
      '420 node got:verdict m1',
      '425 esme resp m1',
      '900 functions sent:deliver m1',
      '', // a flushed file ends with a newline
      '180 functions got:submit m1',
      '190 functions got:submit m1', // redelivered
    ])
    expect([...marks.get('m1')!.keys()]).toContain('functions got:submit#2')
    const byHop = new Map(hops(marks).map((h) => [h.hop, h]))
    expect(byHop.get('verdict SendMessageBatch -> node receive')).toMatchObject({ n: 1, p50Ms: 20 })
    expect(byHop.get('total submit -> resp')).toMatchObject({ n: 1, p50Ms: 325 })
    expect(byHop.get('total submit -> receipt')).toMatchObject({ n: 0 })
  })

  it('chains every hop of a path: each ends where a later one starts or at the ESME', () => {
    const starts = new Set(Chain.map(([, from]) => from))
    for (const [hop, , to] of Chain.filter(([h]) => !h.startsWith('total') && !h.startsWith('(')))
      expect(starts.has(to) || to.startsWith('esme '), hop).toBe(true)
  })
})

describe('requestTimes', () => {
  it('gives each process and command its request times, leaving out the requests before `from`', () => {
    const lines = [
      '10 functions took:TransactWriteItems 90.0',
      '110 functions took:TransactWriteItems 30.5',
      '120 functions took:TransactWriteItems 10.0',
      '130 node took:SendMessageBatch 4.0',
      '140 node sent:submit m1',
    ]
    expect(requestTimes(lines, 100)).toEqual([
      { request: 'functions TransactWriteItems', n: 2, p50Ms: expect.any(Number), p99Ms: 30.5 },
      { request: 'node SendMessageBatch', n: 1, p50Ms: 4, p99Ms: 4 },
    ])
  })
})
