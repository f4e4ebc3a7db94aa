import { describe, expect, it } from 'vitest'
import { Chain, hops, parseMarks } from './hops'

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
