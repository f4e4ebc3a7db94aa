import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CallbackMessageSchema } from './parse'
import { plainBundle, plainVerdict } from './plain-verdict'

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

describe('plainBundle, the same for a bundle of verdicts (issue 16)', () => {
  it('takes the usual bundle, as the schema reads it', () => {
    const v = JSON.parse('{"type":"verdicts","verdicts":[{"messageId":"A","status":0},{"messageId":"B","status":1107}]}')
    expect(plainBundle(v)).toEqual(v)
    expect(plainBundle(v)).toEqual(schemaOf(v))
  })

  it.each([
    ['an empty bundle', { type: 'verdicts', verdicts: [] }],
    ['an entry with unsuccess', { type: 'verdicts', verdicts: [{ messageId: 'm', status: 0, unsuccess: [] }] }],
    ['an entry with adoptedId', { type: 'verdicts', verdicts: [{ messageId: 'm', status: 0, adoptedId: 'a' }] }],
    ['an entry without status', { type: 'verdicts', verdicts: [{ messageId: 'm', status: 0 }, { messageId: 'n' }] }],
    ['a field the schema strips', { type: 'verdicts', verdicts: [{ messageId: 'm', status: 0 }], extra: 1 }],
    ['a single verdict', { type: 'verdict', messageId: 'm', status: 0 }],
    ['entries that are not a list', { type: 'verdicts', verdicts: { messageId: 'm', status: 0 } }],
  ])('leaves %s to the schema', (_, v) => {
    expect(plainBundle(v)).toBeUndefined()
  })

  it('never accepts what the schema refuses, and never differs from what it returns', () => {
    const entry = fc.record(
      {
        messageId: fc.oneof(fc.string(), fc.integer()),
        status: fc.oneof(fc.integer(), fc.double(), fc.string()),
        adoptedId: fc.string(),
        extra: fc.anything(),
      },
      { requiredKeys: [] },
    )
    const bundleLike = fc.record(
      {
        type: fc.constantFrom('verdicts', 'verdict'),
        verdicts: fc.oneof(fc.array(entry, { maxLength: 4 }), fc.anything()),
        extra: fc.anything(),
      },
      { requiredKeys: ['type'] },
    )
    fc.assert(
      fc.property(fc.oneof(bundleLike, fc.anything()), (v) => {
        const fast = plainBundle(v)
        if (fast !== undefined) expect(fast).toEqual(schemaOf(v))
      }),
      { numRuns: 2_000 },
    )
  })
})
