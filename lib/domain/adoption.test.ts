import { describe, expect, it } from 'vitest'
import {
  AdoptionWindowSec,
  type AnswerRecord,
  adoptedId,
  deadIncarnations,
  type FingerprintOwner,
  type NodeEntry,
  SilenceMarginMs,
} from './adoption'

const now = Date.parse('2026-12-01T12:00:00Z')
const sec = Math.floor(now / 1000)
const job = {
  messageId: 'RESEND',
  sourceAddr: 'ACME',
  registeredDelivery: 1,
  async: false,
  command: 'submit_sm' as const,
  destinations: [{ addr: '447700900001', ton: 1, npi: 1 }],
}
const owner: FingerprintOwner = { messageId: 'ORIG', sourceAddr: 'ACME', registeredDelivery: 1, incarnation: 'n1#a', chargedAt: sec - 5 }
const node = (incarnation: string, e: Partial<NodeEntry> = {}): NodeEntry => ({
  nodeId: incarnation.split('#')[0],
  incarnation,
  callbackQueueUrl: 'q',
  aliveUntilMs: now + 6_000,
  ...e,
})

describe('adoptedId (issue 18)', () => {
  it('adopts the re-send of a message whose node was replaced by a new process', () => {
    expect(adoptedId(job, owner, [node('n1#a', { diedAtMs: now - 1_000 }), node('n1#b')], now)).toBe('ORIG')
  })
  it('adopts when the owner node stopped beating, or is not in the registry at all', () => {
    expect(adoptedId(job, owner, [node('n1#a', { aliveUntilMs: now - 1 })], now)).toBe('ORIG')
    expect(adoptedId(job, owner, [], now)).toBe('ORIG')
  })
  it('does not adopt while the owner node is alive: it still answers its client', () => {
    expect(adoptedId(job, owner, [node('n1#a')], now)).toBeUndefined()
  })
  it.each([
    ['another source', { sourceAddr: 'OTHER' }],
    ['another registered_delivery', { registeredDelivery: 0 }],
    ['an async account (answered at once)', { async: true }],
    ['submit_multi', { command: 'submit_multi' as const }],
    ['the same message id (a redelivered job)', { messageId: 'ORIG' }],
  ])('does not adopt %s', (_, change) => {
    expect(adoptedId({ ...job, ...change }, owner, [], now)).toBeUndefined()
  })
  it('adopts up to the window after the acceptance, not after', () => {
    const at = (age: number) => adoptedId(job, { ...owner, chargedAt: sec - age }, [], now)
    expect(at(AdoptionWindowSec)).toBe('ORIG')
    expect(at(AdoptionWindowSec + 1)).toBeUndefined()
  })
  it('no fingerprint, no adoption', () => {
    expect(adoptedId(job, undefined, [], now)).toBeUndefined()
  })
  // Issue 18, item 1: an answered message sent again is the client's new message, not a re-send.
  describe('with the answer record of the dead node', () => {
    const received = { ...owner, receivedAtMs: now - 5_000 }
    const dead = [node('n1#a', { diedAtMs: now - 1_000 })]
    const adopted = (o: FingerprintOwner, answers?: AnswerRecord) =>
      adoptedId(job, o, dead, now, new Map(answers ? [['n1#a', answers]] : []))
    it('does not adopt a message the node recorded as answered', () => {
      expect(adopted(received, { atMs: now - 4_000, unsure: ['OTHER'] })).toBeUndefined()
    })
    it('adopts one it still listed as unsure, or received after its last record', () => {
      expect(adopted(received, { atMs: now - 4_000, unsure: ['ORIG'] })).toBe('ORIG')
      expect(adopted(received, { atMs: now - 5_000, unsure: [] })).toBe('ORIG') // same ms: not before
    })
    it('adopts when the owner predates answer records (no receive time) or the node wrote none', () => {
      expect(adopted(owner, { atMs: now, unsure: [] })).toBe('ORIG')
      expect(adopted(received)).toBe('ORIG')
    })
  })

  // Issue 18, item 3: a re-send that reaches another node before the crashed one is known dead.
  it('adopts once the owner is silent for more than one beat and the margin, before it is dead', () => {
    const beatMs = 2_000
    const lastBeat = (ago: number) => [node('n1#a', { beatMs, aliveUntilMs: now - ago + 3 * beatMs })]
    expect(adoptedId(job, owner, lastBeat(beatMs + SilenceMarginMs), now)).toBeUndefined()
    expect(adoptedId(job, owner, lastBeat(beatMs + SilenceMarginMs + 1), now)).toBe('ORIG')
    // Silent is not dead: its claims are not taken over before three missed beats.
    expect([...deadIncarnations(lastBeat(beatMs + SilenceMarginMs + 1), now)]).toEqual([])
  })

  it('lists the dead incarnations: drained, superseded or silent', () => {
    const entries = [node('a#1', { diedAtMs: now }), node('b#1', { aliveUntilMs: now - 1 }), node('c#1')]
    expect([...deadIncarnations(entries, now)]).toEqual(['a#1', 'b#1'])
  })
})
