import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { clientIdOf, DecimalIdSpace, decimalIdAt, decimalRecordId, recordIdOf } from './message-id-format'

const salt = '00112233445566778899aabbccddeeff'

describe('decimal message ids (issue 17)', () => {
  it('gives 10 digits without a leading zero, distinct for 200,000 consecutive positions', () => {
    const seen = new Set<string>()
    for (let p = 0; p < 200_000; p++) seen.add(decimalIdAt(p, salt))
    expect(seen.size).toBe(200_000)
    for (const id of [...seen].slice(0, 1000)) expect(id).toMatch(/^[1-9]\d{9}$/)
  })

  it('is a bijection of the whole space: the last positions land inside it too', () => {
    const ids = [0, 1, DecimalIdSpace - 2, DecimalIdSpace - 1].map((p) => Number(decimalIdAt(p, salt)))
    for (const n of ids) expect(n).toBeGreaterThanOrEqual(1e9)
    for (const n of ids) expect(n).toBeLessThan(1e10)
    expect(decimalIdAt(DecimalIdSpace, salt)).toBe(decimalIdAt(0, salt))
  })

  it('does not let one id name its neighbours: consecutive positions are far apart, and another salt gives others', () => {
    const a = Number(decimalIdAt(1000, salt))
    const b = Number(decimalIdAt(1001, salt))
    expect(Math.abs(a - b)).toBeGreaterThan(1000)
    expect(decimalIdAt(1000, 'ffeeddccbbaa99887766554433221100')).not.toBe(String(a))
  })

  it('maps the record id to the client id and back, per account, with a submit_multi record keeping #n', () => {
    const rec = decimalRecordId('4000000001', 'acme#1')
    expect(rec).toBe('4000000001.61636d652331')
    expect(clientIdOf(rec)).toBe('4000000001')
    expect(clientIdOf(`${rec}#2`)).toBe('4000000001#2')
    expect(recordIdOf('4000000001', { accountId: 'acme#1', messageIdFormat: 'decimal' })).toBe(rec)
    // Another account's session asking for the same digits names another record.
    expect(recordIdOf('4000000001', { accountId: 'other', messageIdFormat: 'decimal' })).not.toBe(rec)
    expect(recordIdOf('not-a-number', { accountId: 'acme#1', messageIdFormat: 'decimal' })).toBe('?')
  })

  it('leaves opaque ids alone and reads hex ids in either case', () => {
    expect(clientIdOf('0MH8Z5T2A000K3J9ABCDEFGH')).toBe('0MH8Z5T2A000K3J9ABCDEFGH')
    expect(recordIdOf('0MH8Z5T2A000K3J9ABCDEFGH', { accountId: 'a' })).toBe('0MH8Z5T2A000K3J9ABCDEFGH')
    expect(recordIdOf('19C0FFEE', { accountId: 'a', messageIdFormat: 'hex' })).toBe('19c0ffee')
  })

  it('maps any record id as the decimal pattern alone would (the dot test before it skips only what cannot match)', () => {
    const digitsDot = fc.tuple(fc.stringMatching(/^\d{10}$/), fc.string()).map(([d, rest]) => `${d}.${rest}`)
    fc.assert(
      fc.property(fc.oneof(fc.string(), digitsDot, fc.stringMatching(/^\d{10}\.[0-9a-f]+(#\d+)?$/)), (id) => {
        expect(clientIdOf(id)).toBe(id.replace(/^(\d{10})\.[0-9a-f]+/, '$1'))
      }),
      { numRuns: 2000 },
    )
  })
})
