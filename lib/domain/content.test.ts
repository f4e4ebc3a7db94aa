import { describe, expect, it } from 'vitest'
import { Status } from '../smpp/status'
import { checkBlacklist, checkStopWords, containsPhrase, duplicateKey } from './content'
import { SmppError } from './errors'

const statusOfCall = (fn: () => void) => {
  try {
    fn()
    return Status.Ok
  } catch (err) {
    return err instanceof SmppError ? err.status : -1
  }
}

describe('stop words', () => {
  it.each([
    ['Win FREE money now', 'free money', true],
    ['win free\n  MONEY', 'free money', true], // any whitespace, any case
    ['Ünïcode ÄRGER here', 'ärger', true],
    ['first class service', 'ass', false], // whole words only
    ['free-money', 'free money', false],
    ['price: $100!', '$100', true], // regex characters are literal
    ['anything', '   ', false],
  ])('%j contains %j: %s', (text, phrase, expected) => {
    expect(containsPhrase(text, phrase)).toBe(expected)
  })

  it('refuses with 0x0403 when any phrase of the account or the platform matches', () => {
    expect(statusOfCall(() => checkStopWords('buy CASINO chips', ['lottery', 'casino']))).toBe(Status.ForbiddenContent)
    expect(statusOfCall(() => checkStopWords('hello', ['lottery', 'casino']))).toBe(Status.Ok)
  })
})

describe('blacklist', () => {
  const entry = (number: string, scope: 'sender' | 'recipient' | 'both') => ({ owner: '*', number, scope })
  it.each([
    [[entry('111', 'sender')], '111', '222', Status.Blacklisted],
    [[entry('111', 'recipient')], '111', '222', Status.Ok], // listed only as a recipient
    [[entry('222', 'recipient')], '111', '222', Status.Blacklisted],
    [[entry('222', 'both')], '111', '222', Status.Blacklisted],
    [[entry('222', 'sender')], '111', '222', Status.Ok],
    [[], '111', '222', Status.Ok],
  ] as const)('hits %j for %s -> %s: %s', (hits, sender, recipient, expected) => {
    expect(statusOfCall(() => checkBlacklist(hits, sender, recipient))).toBe(expected)
  })
})

it('fingerprints the same text to the same number alike, and anything else apart', () => {
  const k = duplicateKey('acme', '4477', 'hello')
  expect(k).toMatch(/^DUP#acme#4477#[0-9a-f]{64}$/)
  expect(duplicateKey('acme', '4477', 'hello')).toBe(k)
  expect(duplicateKey('acme', '4478', 'hello')).not.toBe(k)
  expect(duplicateKey('acme', '4477', 'hello!')).not.toBe(k)
})
