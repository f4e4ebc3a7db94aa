import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DispatchJob } from '../../domain/jobs'
import type { Upstream } from '../../domain/model'
import { HttpUpstreamError, httpConnector } from './connector'
import { envSecrets, secretEnvKey } from './secrets'

const requests: { path: string; auth?: string; body: unknown }[] = []
let server: Server
let base: string

// A carrier on 127.0.0.1 whose behaviour the path picks.
function carrier(req: IncomingMessage, res: ServerResponse) {
  let raw = ''
  req.on('data', (c) => (raw += c))
  req.on('end', () => {
    requests.push({ path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(raw || 'null') })
    if (req.url === '/ok') return void res.writeHead(202, { 'content-type': 'application/json' }).end('{"id":"c-42"}')
    if (req.url === '/no-id') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    if (req.url === '/busy') return void res.writeHead(503).end('busy')
    if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('{"id":"late"}'), 1_000)
    res.writeHead(404).end()
  })
}

beforeAll(async () => {
  server = createServer(carrier)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

const job: DispatchJob = {
  v: 1,
  messageId: 'm1',
  accountId: 'acme',
  sourceAddr: 'ACME',
  sourceAddrTon: 5,
  sourceAddrNpi: 0,
  destinationAddr: '447700900001',
  destAddrTon: 1,
  destAddrNpi: 1,
  esmClass: 0,
  dataCoding: 0,
  registeredDelivery: 1,
  shortMessage: 'SGk=',
  upstreams: ['c'],
  attempt: 0,
}
const upstream = (path: string, extra: Partial<Upstream> = {}): Upstream => ({
  upstreamId: 'c',
  kind: 'http',
  url: `${base}${path}`,
  // Generous: the first fetch of a worker loads undici, which a loaded machine (two test files at once) can make
  // slower than 300 ms. The timeout case sets its own.
  timeoutMs: 10_000,
  ...extra,
})
const connector = httpConnector(envSecrets({ [secretEnvKey('carrier-c')]: 's3cret' }))

describe('HTTP connector', () => {
  it('POSTs the contract JSON with the bearer secret and returns the carrier id', async () => {
    requests.length = 0
    await expect(connector.send(upstream('/ok', { secretRef: 'carrier-c' }), job)).resolves.toEqual({ upstreamMessageId: 'c-42' })
    expect(requests).toEqual([
      {
        path: '/ok',
        auth: 'Bearer s3cret',
        body: {
          messageId: 'm1',
          from: 'ACME',
          to: '447700900001',
          dataCoding: 0,
          esmClass: 0,
          registeredDelivery: 1,
          shortMessage: 'SGk=',
        },
      },
    ])
  })

  // Issue 14: binary with a UDH byte for byte, and a SAR part with where it belongs.
  it('passes esm_class, data_coding, the UDH and a SAR part position through unchanged', async () => {
    requests.length = 0
    const wap = { ...job, esmClass: 0x40, dataCoding: 0xf5, shortMessage: Buffer.from('0605040b8423f0010603ae', 'hex').toString('base64') }
    await connector.send(upstream('/ok'), wap)
    await connector.send(upstream('/ok'), { ...job, sar: { ref: 513, total: 3, seq: 2 } })
    expect(requests.map((r) => r.body)).toEqual([
      expect.objectContaining({ esmClass: 0x40, dataCoding: 0xf5, shortMessage: wap.shortMessage }),
      expect.objectContaining({ esmClass: 0, sar: { ref: 513, total: 3, seq: 2 } }),
    ])
  })

  // Issue 17: a UCS2 text re-encoded for an upstream with shift tables travels split, the IEs in every part's UDH.
  it('sends a re-encoded text as GSM 7-bit parts, each UDH with concatenation and the shift IEs', async () => {
    requests.length = 0
    const text = 'ı'.repeat(200) // Turkish locking table (A.3.1) only: 0x07 each, one 25 01 01 IE
    const reencoded = {
      ...job,
      shortMessage: '',
      messagePayload: Buffer.alloc(200, 0x07).toString('base64'),
      shift: { locking: 1, single: 0 },
    }
    await connector.send(upstream('/ok'), reencoded)
    const body = requests[0].body as { segments: string[]; dataCoding: number; esmClass: number; shortMessage: string }
    expect(body).toMatchObject({ dataCoding: 0, esmClass: 0x40, shortMessage: '', shiftTables: { locking: 1, single: 0 } })
    expect(body).not.toHaveProperty('messagePayload')
    const parts = body.segments.map((b) => Buffer.from(b, 'base64'))
    // UDHL 08: concat IE 00 03 <ref> 02 <seq>, then 25 01 01; (140 - 9) x 8 / 7 = 149 septets in the first part.
    expect(parts.map((p) => [p.subarray(0, 3).toString('hex'), p.subarray(4, 9).toString('hex'), p.length - 9])).toEqual([
      ['080003', '0201250101', 149],
      ['080003', '0202250101', text.length - 149],
    ])
  })

  it('sends no Authorization header to an upstream without a secret', async () => {
    requests.length = 0
    await connector.send(upstream('/ok'), job)
    expect(requests[0].auth).toBeUndefined()
  })

  it.each([
    ['/busy', {}, /HTTP 503/],
    ['/no-id', {}, /without an id/],
    ['/slow', { timeoutMs: 300 }, /upstream c:/], // 300 ms < the carrier's 1 s
    ['/ok', { secretRef: 'missing' }, /secret missing not found/],
  ] as const)('%s %j is a transport error', async (path, extra, message) => {
    const err = await connector.send(upstream(path, extra), job).catch((e) => e)
    expect(err).toBeInstanceOf(HttpUpstreamError)
    expect(err.message).toMatch(message)
  })

  it('a refused connection is a transport error', async () => {
    const err = await connector.send({ upstreamId: 'c', kind: 'http', url: 'http://127.0.0.1:9/x', timeoutMs: 300 }, job).catch((e) => e)
    expect(err).toBeInstanceOf(HttpUpstreamError)
  })

  it('names secrets by ref', () => {
    expect(secretEnvKey('carrier-a.eu')).toBe('SECRET_CARRIER_A_EU')
  })
})
