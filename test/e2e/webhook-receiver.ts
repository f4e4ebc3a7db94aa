import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'

/** One POST the receiver got, and what it answered. */
export interface Received {
  id: string
  // biome-ignore lint/suspicious/noExplicitAny: webhook bodies of two shapes; tests assert on fields
  body: any
  signature: string
  answered: number
  signatureValid: boolean
}

/**
 * A customer's webhook receiver on 127.0.0.1, as docs/API.md tells one to write it: it checks the signature over the
 * raw body and the timestamp against its clock (5 minutes either way), and answers 503 to the first `failFirst`
 * requests (a receiver down for a while). `delivered()` is what it accepted, deduped by event id as the docs ask.
 */
export async function startReceiver(secret: () => string, opts: { failFirst?: number } = {}) {
  const got: Received[] = []
  let failures = opts.failFirst ?? 0
  const verify = (header: string, raw: string) => {
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)
    if (!m || Math.abs(Date.now() / 1000 - Number(m[1])) > 300) return false
    const want = createHmac('sha256', secret()).update(`${m[1]}.${raw}`).digest()
    return timingSafeEqual(want, Buffer.from(m[2], 'hex'))
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const signature = String(req.headers['x-webhook-signature'] ?? '')
      const signatureValid = verify(signature, raw)
      const answered = !signatureValid ? 401 : failures > 0 ? 503 : 200
      if (signatureValid && failures > 0) failures--
      const body = JSON.parse(raw)
      got.push({ id: String(req.headers['x-webhook-id']), body, signature, answered, signatureValid })
      res.writeHead(answered).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/events`,
    got,
    /** Accepted events by id: what a receiver that dedupes keeps. */
    delivered: () => new Map(got.filter((g) => g.answered === 200).map((g) => [g.id, g])),
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}
