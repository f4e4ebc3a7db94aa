import { describe, expect, it } from 'vitest'
import { AdoptionWindowSec, adoptedId, deadIncarnations, type FingerprintOwner, type NodeEntry } from './adoption'

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
  it('lists the dead incarnations: drained, superseded or silent', () => {
    const entries = [node('a#1', { diedAtMs: now }), node('b#1', { aliveUntilMs: now - 1 }), node('c#1')]
    expect([...deadIncarnations(entries, now)]).toEqual(['a#1', 'b#1'])
  })
})
