import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CallbackMessageSchema } from './parse'
import { plainVerdict } from './plain-verdict'

const schemaOf = (v: unknown) => {
  const r = CallbackMessageSchema.safeParse(v)
  return r.success ? r.data : 'refused'
}

describe('plainVerdict, the hand-checked fast path of parseCallbackMessage', () => {
  it('takes the usual verdict, as the schema reads it', () => {
    const v = JSON.parse('{"type":"verdict","messageId":"0A1B2C","status":0}')
    expect(plainVerdict(v)).toEqual({ type: 'verdict', messageId: '0A1B2C', status: 0 })
    expect(plainVerdict(v)).toEqual(schemaOf(v))
  })

  it.each([
    ['an empty messageId', { type: 'verdict', messageId: '', status: 0 }],
    ['a fractional status', { type: 'verdict', messageId: 'm', status: 1.5 }],
    ['a string status', { type: 'verdict', messageId: 'm', status: '0' }],
    ['unsuccess (submit_multi)', { type: 'verdict', messageId: 'm', status: 0, unsuccess: [] }],
    ['a field the schema strips', { type: 'verdict', messageId: 'm', status: 0, extra: 1 }],
    ['a delivery', { type: 'deliver', accountId: 'a', pendingSk: 's', deliver: {} }],
    ['an array', ['verdict']],
  ])('leaves %s to the schema', (_, v) => {
    expect(plainVerdict(v)).toBeUndefined()
  })

  it('never accepts what the schema refuses, and never differs from what it returns', () => {
    const verdictLike = fc.record(
      {
        type: fc.constantFrom('verdict', 'deliver', 'x'),
        messageId: fc.oneof(fc.string(), fc.integer()),
        status: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(Number.MAX_SAFE_INTEGER + 2)),
        unsuccess: fc.constant([]),
        extra: fc.anything(),
      },
      { requiredKeys: [] },
    )
    fc.assert(
      fc.property(fc.oneof(verdictLike, fc.anything()), (v) => {
        const fast = plainVerdict(v)
        if (fast !== undefined) expect(fast).toEqual(schemaOf(v))
      }),
      { numRuns: 2_000 },
    )
  })
})
