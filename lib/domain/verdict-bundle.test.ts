import { describe, expect, it } from 'vitest'
import { CallbackMessageSchema } from './parse'
import type { Verdict } from './verdict'
import { bundleVerdicts, MaxMessageBytes } from './verdict-bundle'

const verdict = (n: number, extra: Partial<Verdict> = {}): Verdict => ({ type: 'verdict', messageId: `m${n}`, status: 0, ...extra })
const entryOf = ({ type: _, ...entry }: Verdict) => entry
const bytes = (body: unknown) => new TextEncoder().encode(JSON.stringify(body)).length

describe('bundleVerdicts (issue 16)', () => {
  it('puts the verdicts of one reply queue in one message, in order, each as the schema reads it', () => {
    const multi = verdict(2, { unsuccess: [{ addr: '1212', ton: 1, npi: 1, status: 0x43c }], adoptedId: 'm0' })
    const bodies = bundleVerdicts([verdict(1), multi, verdict(3, { status: 0x453 })])
    expect(bodies).toEqual([
      {
        type: 'verdicts',
        verdicts: [
          { messageId: 'm1', status: 0 },
          { messageId: 'm2', status: 0, adoptedId: 'm0', unsuccess: [{ addr: '1212', ton: 1, npi: 1, status: 0x43c }] },
          { messageId: 'm3', status: 0x453 },
        ],
      },
    ])
    expect(CallbackMessageSchema.parse(JSON.parse(JSON.stringify(bodies[0])))).toEqual(bodies[0])
  })

  it('sends a lone verdict as a single verdict', () => {
    expect(bundleVerdicts([verdict(1)])).toEqual([verdict(1)])
    expect(bundleVerdicts([])).toEqual([])
  })

  it.each([60, 100, 250, 1000])('splits only where the next verdict would pass %i bytes, and no message passes it', (max) => {
    const verdicts = Array.from({ length: 40 }, (_, n) => verdict(n, n % 7 === 0 ? { status: 0x404 } : {}))
    const bodies = bundleVerdicts(verdicts, max)
    const back = bodies.flatMap((b) => (b.type === 'verdicts' ? b.verdicts.map((v) => ({ type: 'verdict', ...v })) : [b]))
    expect(back).toEqual(verdicts)
    for (const b of bodies) if (b.type === 'verdicts') expect(bytes(b)).toBeLessThanOrEqual(max)
    // Merging any message with the next one's first verdict would pass the limit: no split without need.
    for (let i = 0; i + 1 < bodies.length; i++) {
      const head = bodies[i]
      const next = bodies[i + 1]
      const entries = [
        ...(head.type === 'verdicts' ? head.verdicts : [entryOf(head)]),
        next.type === 'verdicts' ? next.verdicts[0] : entryOf(next),
      ]
      expect(bytes({ type: 'verdicts', verdicts: entries })).toBeGreaterThan(max)
    }
  })

  it('keeps a bundle of the most a submit batch holds under the 256 KiB of SQS: one message', () => {
    const unsuccess = Array.from({ length: 254 }, (_, i) => ({ addr: `4479${String(i).padStart(8, '0')}`, ton: 1, npi: 1, status: 0x43c }))
    const verdicts = Array.from({ length: 10 }, (_, n) => verdict(n, { unsuccess }))
    expect(bundleVerdicts(verdicts)).toHaveLength(1)
    expect(bytes(bundleVerdicts(verdicts)[0])).toBeLessThan(MaxMessageBytes)
  })
})
