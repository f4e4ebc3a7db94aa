import { mkdtempSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, createServer } from 'node:tls'
import { afterAll, expect, it } from 'vitest'
import { ensureCertificate } from './tls'

const dir = mkdtempSync(join(tmpdir(), 'tls-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('writes a certificate a TLS client trusting it accepts for 127.0.0.1, and reuses it', async () => {
  const { certFile, keyFile } = await ensureCertificate(dir)
  const [cert, key] = await Promise.all([readFile(certFile), readFile(keyFile)])
  const server = createServer({ cert, key }, (s) => s.end('ok'))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  const got = await new Promise<string>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, ca: cert }, () => s.once('data', (d) => resolve(d.toString())))
    s.once('error', reject)
  })
  server.close()
  expect(got).toBe('ok')
  const again = await ensureCertificate(dir)
  expect(await readFile(again.certFile)).toEqual(cert)
})
