import { X509Certificate } from 'node:crypto'
import { createSecureContext } from 'node:tls'
import { describe, expect, it } from 'vitest'
import { selfSignedPems } from './pems'

describe('selfSignedPems (the 3443 certificate created at first deploy)', () => {
  it('names the NLB host, is valid for 825 days, and its key matches for a TLS server', async () => {
    const now = new Date('2026-12-01T00:00:00Z')
    const pems = await selfSignedPems('smpp-abc.elb.eu-west-1.amazonaws.com', now)
    const cert = new X509Certificate(pems.cert)
    expect(cert.subject).toContain('CN=smpp-abc.elb.eu-west-1.amazonaws.com')
    expect(cert.subjectAltName).toBe('DNS:smpp-abc.elb.eu-west-1.amazonaws.com')
    expect(Date.parse(cert.validTo) - now.getTime()).toBeGreaterThan(824 * 86_400_000)
    expect(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(pems.key))).toBe(true)
    expect(() => createSecureContext({ cert: pems.cert, key: pems.key })).not.toThrow()
  })
})
