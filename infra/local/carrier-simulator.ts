import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { HttpSubmitRequest, UpstreamEvent } from '../../lib/domain/jobs'
import { outcomeFor, plannedReceipts } from '../../lib/domain/test-destinations'
import { chooseEncoding } from '../../lib/encoding/data-coding'
import { splitText } from '../../lib/encoding/segments'
import type { QueueSender } from '../../lib/ports/queue'

/**
 * The upstream carrier network, locally: serves the HTTP upstream contract (lib/domain/jobs.ts) and reports
 * receipts on the receipts queue the way a connector would. The destination number picks the outcome, by the
 * rules the AWS sandbox upstream answers from too (lib/domain/test-destinations.ts).
 */
export { type Outcome, outcomeFor, type ReceiptPlan, TestPrefixes } from '../../lib/domain/test-destinations'

export interface SimulatorOptions {
  receipts: QueueSender
  receiptsQueueUrl: string
  upstreamId?: string // default 'simulator'
  port?: number // 0 = any free port
  host?: string
  receiptDelayMs?: number // default 1000
  slowMs?: number // default 30000
  /** When set, submits need `Authorization: Bearer <secret>`. */
  secret?: string
  now?: () => Date
  /** Prints `simulator: submit <messageId> to <to> at <ISO>` per message taken (SIMULATOR_LOG_SUBMITS=1): what tests time against. */
  logSubmits?: boolean
}

/**
 * An MO to inject: a text, which a real carrier encodes (GSM 7-bit, else UCS2) and, beyond one SMS, sends as
 * parts with a concatenation UDH (or SAR TLVs with `long: 'sar'`); or raw user data (base64, UDH included when
 * esmClass has UDHI 0x40), e.g. a binary MO with application ports.
 */
export type MoInput = { from: string; to: string } & (
  | { text: string; long?: 'udh' | 'sar' }
  | { shortMessage: string; dataCoding: number; esmClass?: number }
)

export interface CarrierSimulator {
  port: number
  /** POST HttpSubmitRequest here: the `url` of the upstream row. */
  submitUrl: string
  injectMo(mo: MoInput): Promise<void>
  /** The request as it reached the carrier (also GET /sms/<messageId>): what a test compares byte for byte. */
  received(messageId: string): HttpSubmitRequest | undefined
  close(): Promise<void>
}

const MaxBodyBytes = 256 * 1024
// The last submits kept for GET /sms/<messageId>; older ones are forgotten, so memory stays bounded under load.
const KeepReceived = 1_000
const MaxLog = 100_000

export async function startCarrierSimulator(opts: SimulatorOptions): Promise<CarrierSimulator> {
  const upstreamId = opts.upstreamId ?? 'simulator'
  const delay = opts.receiptDelayMs ?? 1_000
  const now = opts.now ?? (() => new Date())
  const timers = new Set<NodeJS.Timeout>()
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
  }
  // Receipts due at the same moment leave in one SendMessageBatch (10 per request), as every hop batches (issue 12).
  let due: UpstreamEvent[] = []
  const post = (event: UpstreamEvent) => {
    due.push(event)
    if (due.length > 1) return
    setImmediate(() => {
      const batch = due
      due = []
      opts.receipts
        .sendBatch(opts.receiptsQueueUrl, batch)
        .catch((err) => console.error(`simulator: ${batch.length} receipts not posted: ${err}`))
    })
  }

  let moReference = 0
  const injectMo = async (mo: MoInput) => {
    const base = { type: 'mo', upstreamId, sourceAddr: mo.from, destinationAddr: mo.to, receivedAt: now().toISOString() } as const
    if ('shortMessage' in mo) {
      const { shortMessage, dataCoding, esmClass } = mo
      return opts.receipts.send(opts.receiptsQueueUrl, { ...base, shortMessage, dataCoding, ...(esmClass ? { esmClass } : {}) })
    }
    const { dataCoding } = chooseEncoding(mo.text)
    moReference = (moReference + 1) & 0xff
    const parts = splitText(mo.text, { dataCoding, scheme: mo.long === 'sar' ? 'sar' : 'udh8', reference: moReference })
    if (!parts) throw new RangeError('MO text not representable')
    const events: UpstreamEvent[] = parts.map((p) => ({
      ...base,
      dataCoding,
      shortMessage: p.shortMessage.toString('base64'),
      ...(p.esmClass ? { esmClass: p.esmClass } : {}),
      ...(p.sarSegmentSeqnum === undefined ? {} : { sar: { ref: p.sarMsgRefNum!, total: p.sarTotalSegments!, seq: p.sarSegmentSeqnum } }),
    }))
    // A long MO arrives as real carriers send it: one deliver_sm per part, each with its header (10 per SendMessageBatch).
    for (let i = 0; i < events.length; i += 10) await opts.receipts.sendBatch(opts.receiptsQueueUrl, events.slice(i, i + 10))
  }

  const received = new Map<string, HttpSubmitRequest>()
  // What reached the "handsets": every accepted submit, in order (GET /log; bounded). The fault suite counts
  // each message in it exactly once (issue 18).
  // Issue 17: with the data coding and, for a text the platform split with shift tables, each part's short_message.
  const accepted: { messageId: string; to: string; from: string; shortMessage: string; dataCoding: number; segments?: string[] }[] = []
  const submit = (req: HttpSubmitRequest, res: ServerResponse) => {
    received.delete(req.messageId)
    received.set(req.messageId, req)
    if (received.size > KeepReceived) received.delete(received.keys().next().value as string)
    if (opts.logSubmits) console.log(`simulator: submit ${req.messageId} to ${req.to} at ${now().toISOString()}`)
    const outcome = outcomeFor(req.to)
    if (outcome.http === 'unavailable') return reply(res, 503, { error: 'simulated carrier outage' })
    const id = `sim-${randomUUID()}`
    if (accepted.length >= MaxLog) accepted.shift()
    const { messageId, to, from, shortMessage, dataCoding, segments } = req
    accepted.push({ messageId, to, from, shortMessage, dataCoding, ...(segments && { segments }) })
    if (outcome.http === 'slow') return later(opts.slowMs ?? 30_000, () => reply(res, 200, { id }))
    const plan = plannedReceipts(outcome, {
      upstreamId,
      messageId: req.messageId,
      upstreamMessageId: id,
      submittedAt: now(),
      delayMs: delay,
    })
    for (const { afterMs, event } of plan) later(afterMs, () => post(event))
    reply(res, 200, { id })
  }

  const server = createServer((req, res) => {
    void route(req, res).catch(() => reply(res, 400, { error: 'bad request' }))
  })
  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (req.method === 'GET' && path === '/health') return reply(res, 200, { ok: true })
    if (req.method === 'GET' && path.startsWith('/sms/')) {
      const got = received.get(decodeURIComponent(path.slice('/sms/'.length)))
      return got ? reply(res, 200, got) : reply(res, 404, { error: 'no such message received' })
    }
    if (req.method === 'GET' && path === '/log') return reply(res, 200, { items: accepted })
    if (req.method !== 'POST') return reply(res, 405, { error: 'POST only' })
    const body = await readJson(req)
    if (path === '/mo') {
      const mo = moInputOf(body)
      if (!mo) return reply(res, 400, { error: 'from, to and text (or shortMessage and dataCoding) are required' })
      await injectMo(mo)
      return reply(res, 202, { ok: true })
    }
    if (opts.secret && req.headers.authorization !== `Bearer ${opts.secret}`) return reply(res, 401, { error: 'unauthorized' })
    if (typeof body.messageId !== 'string' || typeof body.to !== 'string')
      return reply(res, 400, { error: 'messageId and to are required' })
    submit(body as unknown as HttpSubmitRequest, res)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    port,
    submitUrl: `http://${opts.host ?? '127.0.0.1'}:${port}/sms`,
    injectMo,
    received: (messageId) => received.get(messageId),
    async close() {
      for (const t of timers) clearTimeout(t)
      timers.clear()
      const closed = new Promise<void>((r) => server.close(() => r()))
      server.closeAllConnections()
      await closed
    },
  }
}

function moInputOf(b: Record<string, unknown>): MoInput | undefined {
  const str = (v: unknown): v is string => typeof v === 'string' && v !== ''
  const octet = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255
  if (!str(b.from) || !str(b.to)) return undefined
  if (str(b.text)) return { from: b.from, to: b.to, text: b.text, long: b.long === 'sar' ? 'sar' : 'udh' }
  if (str(b.shortMessage) && octet(b.dataCoding) && (b.esmClass === undefined || octet(b.esmClass)))
    return { from: b.from, to: b.to, shortMessage: b.shortMessage, dataCoding: b.dataCoding, esmClass: b.esmClass }
  return undefined
}

function reply(res: ServerResponse, status: number, body: unknown) {
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MaxBodyBytes) throw new Error('body too large')
    chunks.push(chunk as Buffer)
  }
  const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object')
  return parsed
}
