import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { envSecrets, firstOf } from '../http/secrets'
import { extensionSecrets } from './secrets'

/**
 * A stand-in for the Parameters and Secrets extension's endpoint on 127.0.0.1, answering as the extension
 * does: the GetSecretValue JSON for a known secret and a token, a 400 naming ResourceNotFoundException for an
 * unknown one, and a refusal without the session token.
 */
const Token = 'session-token-1'
const secrets = new Map<string, string>([['smpp-dev/upstream/carrier-a', 'pa55word']])
let server: Server
let baseUrl: string
let requests: { secretId: string | null; token: string | undefined }[] = []
let failNext = 0

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const token = req.headers['x-aws-parameters-secrets-token'] as string | undefined
    const secretId = url.searchParams.get('secretId')
    requests.push({ secretId, token })
    if (failNext > 0) {
      failNext--
      res.writeHead(500).end('internal error')
    } else if (url.pathname !== '/secretsmanager/get' || token !== Token) {
      res.writeHead(401).end('unauthorized')
    } else if (secretId && secrets.has(secretId)) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ Name: secretId, SecretString: secrets.get(secretId), VersionId: 'v1' }))
    } else {
      res.writeHead(400).end(JSON.stringify({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the secret" }))
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))
beforeEach(() => {
  requests = []
  failNext = 0
})

describe('extensionSecrets (Parameters and Secrets Lambda extension)', () => {
  it('reads <prefix><ref> with the session token and returns the SecretString', async () => {
    const source = extensionSecrets({ prefix: 'smpp-dev/upstream/', token: Token, baseUrl })
    expect(await source.get('carrier-a')).toBe('pa55word')
    expect(requests).toEqual([{ secretId: 'smpp-dev/upstream/carrier-a', token: Token }])
  })

  it('keeps a value for ttlMs, then asks the extension again (a rotated secret is picked up)', async () => {
    let t = 0
    const source = extensionSecrets({ prefix: 'smpp-dev/upstream/', token: Token, baseUrl, ttlMs: 1_000, now: () => t })
    expect(await source.get('carrier-a')).toBe('pa55word')
    t = 999
    expect(await source.get('carrier-a')).toBe('pa55word')
    expect(requests).toHaveLength(1)
    secrets.set('smpp-dev/upstream/carrier-a', 'rotated')
    t = 1_000
    expect(await source.get('carrier-a')).toBe('rotated')
    expect(requests).toHaveLength(2)
    secrets.set('smpp-dev/upstream/carrier-a', 'pa55word')
  })

  it('answers undefined for a secret that does not exist, and asks again next time', async () => {
    const source = extensionSecrets({ prefix: 'smpp-dev/upstream/', token: Token, baseUrl })
    expect(await source.get('nobody')).toBeUndefined()
    expect(await source.get('nobody')).toBeUndefined()
    expect(requests).toHaveLength(2)
  })

  it('throws on any other answer (wrong token, extension error) instead of binding without a password', async () => {
    await expect(extensionSecrets({ prefix: 'smpp-dev/upstream/', token: 'wrong', baseUrl }).get('carrier-a')).rejects.toThrow(/401/)
    const source = extensionSecrets({ prefix: 'smpp-dev/upstream/', token: Token, baseUrl })
    failNext = 1
    await expect(source.get('carrier-a')).rejects.toThrow(/500/)
    // A failure is not cached: the next call reaches the extension.
    expect(await source.get('carrier-a')).toBe('pa55word')
  })

  it('falls back to SECRET_<REF> env vars for what Secrets Manager does not hold (firstOf)', async () => {
    const source = firstOf(
      extensionSecrets({ prefix: 'smpp-dev/upstream/', token: Token, baseUrl }),
      envSecrets({ SECRET_LOCAL_ONLY: 'from-env', SECRET_CARRIER_A: 'stale' }),
    )
    expect(await source.get('carrier-a')).toBe('pa55word')
    expect(await source.get('local-only')).toBe('from-env')
    expect(await source.get('neither')).toBeUndefined()
  })
})
