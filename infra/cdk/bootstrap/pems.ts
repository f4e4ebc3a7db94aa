import { generate } from 'selfsigned'

/**
 * A self-signed P-256 certificate for `commonName` (the NLB's DNS name), valid 825 days (the longest a client
 * platform accepts for a TLS server certificate), as PEM. ESMEs connect with certificate checks off, pin it, or
 * the operator replaces the secret's value with a certificate of their own (docs/DEPLOY.md).
 */
export async function selfSignedPems(commonName: string, now = new Date()): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 825 * 86_400_000),
    extensions: [
      { name: 'subjectAltName', altNames: [{ type: 2, value: commonName }] },
      { name: 'extKeyUsage', serverAuth: true },
    ],
  })
  return { cert: pems.cert, key: pems.private }
}
