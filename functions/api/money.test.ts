import { describe, expect, it } from 'vitest'
import { cell, toCsv } from './csv'
import { decimal, minorDigits } from './money'

describe('decimal', () => {
  it.each([
    [1234, 'EUR', '12.34'],
    [5, 'EUR', '0.05'],
    [-5, 'EUR', '-0.05'],
    [-1234, 'EUR', '-12.34'],
    [0, 'EUR', '0.00'],
    [1234, 'JPY', '1234'],
    [1234, 'KWD', '1.234'],
    [9_007_199_254_740_991, 'USD', '90071992547409.91'],
    [1234, 'XXQ', '12.34'], // not an ISO code: two digits
  ])('%i %s is %s', (amount, currency, text) => {
    expect(decimal(amount, currency)).toBe(text)
  })

  it('refuses a float, which would already have lost a cent', () => {
    expect(() => decimal(12.5, 'EUR')).toThrow(RangeError)
    expect(minorDigits('EUR')).toBe(2)
  })
})

describe('csv', () => {
  it('quotes separators and defuses formulas, but leaves amounts alone', () => {
    expect(cell('a,b')).toBe('"a,b"')
    expect(cell('say "hi"')).toBe('"say ""hi"""')
    expect(cell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
    expect(cell('-12.34')).toBe('-12.34')
    expect(cell(-5)).toBe('-5')
    expect(cell(undefined)).toBe('')
    expect(toCsv(['a', 'b'], [[1, 'x\ny']])).toBe('a,b\r\n1,"x\ny"\r\n')
  })
})
