import { pathToFileURL } from 'node:url'
import { CommandId, type Pdu } from '../lib/smpp/pdu'
import { startStack } from '../test/e2e/stack'
import { connectEsme, type Esme, submitBody } from './esme'
import { percentile, round } from './stats'

/**
 * End to end through the local stack (`tsx infra/local/main.ts --in-memory` on free ports: the node,
 * DynamoDB Local, the SQS server, the Lambda host, the carrier simulator), bound as the seeded demo account:
 *
 *   receipt latency: `receiptMessages` submit_sm with registered_delivery 1, at most `receiptWindow`
 *     outstanding; per message the time from writing the submit_sm to the receipt's deliver_sm. The carrier
 *     simulator holds every receipt for its fixed delay (CarrierReceiptDelayMs, not configurable through
 *     infra/local/main.ts), so the figures are reported raw and with that delay subtracted.
 *   throughput: `sessions` sessions keep `window` submit_sm outstanding each (registered_delivery 0) until
 *     `messages` were sent or `durationMs` passed; accepted (status 0) submit_sm_resp per second.
 *
 * The receipt phase runs first, on a quiet stack, so the throughput phase's backlog does not queue ahead of it.
 */
export interface BenchE2eOptions {
  receiptMessages?: number
  receiptWindow?: number
  sessions?: number
  window?: number
  messages?: number
  durationMs?: number
}

export interface E2eFigures {
  /** Seconds from spawning the stack until every port answers. */
  stackStartSec: number
  throughput: {
    sessions: number
    window: number
    sent: number
    accepted: number
    refused: Record<string, number>
    acceptedPerSec: number
    respP50Ms: number
    respP99Ms: number
  }
  receipt: { messages: number; received: number; carrierDelayMs: number; p50Ms: number; p99Ms: number; netP50Ms: number; netP99Ms: number }
}

/** infra/local/carrier-simulator.ts `receiptDelayMs` default; main.ts passes none. */
export const CarrierReceiptDelayMs = 1_000
const ReceiptTo = '447700900123' // an ordinary number: the simulator answers DELIVRD
// Every text differs: the platform refuses the same text to the same number within the duplicate window (0x0453).
const runTag = Date.now().toString(36)
let texts = 0

/** The shared launcher of the end-to-end suites (test/e2e/stack.ts), timed. */
async function timedStack() {
  const started = performance.now()
  const stack = await startStack()
  return { stack, startSec: round((performance.now() - started) / 1000, 1) }
}

/** Submit -> receipt latency of `n` messages with at most `window` outstanding, bounded by `timeoutMs`. */
async function receiptLatency(esme: Esme, n: number, window: number, timeoutMs: number): Promise<number[]> {
  const sentAt = new Map<string, number>()
  const early = new Map<string, number>() // a receipt that beat its own submit_sm_resp
  const latencies: number[] = []
  let done: () => void = () => {}
  const all = new Promise<void>((r) => {
    done = r
  })
  esme.onDeliver = (pdu: Pdu) => {
    const now = performance.now()
    const id = receiptId(pdu)
    if (id === undefined) return
    const t = sentAt.get(id)
    if (t === undefined) early.set(id, now)
    else {
      sentAt.delete(id)
      latencies.push(now - t)
      if (latencies.length >= n) done()
    }
  }
  const deadline = performance.now() + timeoutMs
  let next = 0
  const worker = async () => {
    while (next < n && performance.now() < deadline) {
      next++
      const t = performance.now()
      const resp = await esme.request(CommandId.SubmitSm, submitBody(ReceiptTo, 1, `receipt latency ${runTag} ${++texts}`))
      const id = (resp.body as { messageId?: string }).messageId
      if (resp.status !== 0 || !id) continue
      const arrived = early.get(id)
      if (arrived !== undefined) latencies.push(arrived - t)
      else sentAt.set(id, t)
      // Keep `window` messages between submit and receipt, not just between submit and resp.
      while (sentAt.size >= window && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    }
  }
  await Promise.all(Array.from({ length: window }, worker))
  await Promise.race([all, new Promise((r) => setTimeout(r, Math.max(0, deadline - performance.now())))])
  esme.onDeliver = undefined
  return latencies
}

function receiptId(pdu: Pdu): string | undefined {
  const b = pdu.body as { receiptedMessageId?: string; shortMessage?: Buffer }
  if (b.receiptedMessageId) return b.receiptedMessageId
  return /id:(\S+)/.exec(b.shortMessage?.toString('latin1') ?? '')?.[1]
}

/** `window` submits outstanding per session until `messages` were sent or `durationMs` passed. */
async function throughput(esmes: Esme[], window: number, messages: number, durationMs: number) {
  const refused: Record<string, number> = {}
  const respMs: number[] = []
  let sent = 0
  let accepted = 0
  const start = performance.now()
  const stopAt = start + durationMs
  let lastResp = start
  const worker = async (esme: Esme) => {
    while (sent < messages && performance.now() < stopAt) {
      sent++
      const t = performance.now()
      const resp = await esme.request(CommandId.SubmitSm, submitBody('447700900124', 0, `end to end throughput ${runTag} ${++texts}`))
      lastResp = performance.now()
      respMs.push(lastResp - t)
      if (resp.status === 0) accepted++
      else refused[`0x${resp.status.toString(16).padStart(4, '0')}`] = (refused[`0x${resp.status.toString(16).padStart(4, '0')}`] ?? 0) + 1
    }
  }
  // Outstanding requests still count after stopAt: their responses are waited for (bounded by the node's verdict deadline).
  await Promise.all(esmes.flatMap((e) => Array.from({ length: window }, () => worker(e))))
  respMs.sort((a, b) => a - b)
  return {
    sent,
    accepted,
    refused,
    acceptedPerSec: round((accepted * 1000) / (lastResp - start), 1),
    respP50Ms: round(percentile(respMs, 50)),
    respP99Ms: round(percentile(respMs, 99)),
  }
}

export async function benchE2e(opts: BenchE2eOptions = {}): Promise<E2eFigures> {
  const o = {
    receiptMessages: 20,
    receiptWindow: 4,
    sessions: 2,
    window: 25,
    messages: 3_000,
    durationMs: 20_000,
    ...opts,
  }
  const { stack, startSec } = await timedStack()
  const esmes: Esme[] = []
  try {
    // One session during the receipt phase: the node spreads receipts round-robin over the account's
    // receiver sessions, and only this one is listening for them.
    esmes.push(await connectEsme(stack.ports.smpp, 'demo', 'demopass'))
    // Warm-up: the first messages pay for cold Lambda handlers and SDK connections.
    await receiptLatency(esmes[0], 3, 1, 60_000)
    const lat = (await receiptLatency(esmes[0], o.receiptMessages, o.receiptWindow, 60_000)).sort((a, b) => a - b)
    while (esmes.length < o.sessions) esmes.push(await connectEsme(stack.ports.smpp, 'demo', 'demopass'))
    const tp = await throughput(esmes, o.window, o.messages, o.durationMs)
    return {
      stackStartSec: startSec,
      throughput: { sessions: o.sessions, window: o.window, ...tp },
      receipt: {
        messages: o.receiptMessages,
        received: lat.length,
        carrierDelayMs: CarrierReceiptDelayMs,
        p50Ms: round(percentile(lat, 50)),
        p99Ms: round(percentile(lat, 99)),
        netP50Ms: round(percentile(lat, 50) - CarrierReceiptDelayMs),
        netP99Ms: round(percentile(lat, 99) - CarrierReceiptDelayMs),
      },
    }
  } finally {
    for (const e of esmes) e.close()
    await stack.stop()
  }
}

// `tsx bench/e2e.ts` runs it alone and prints the figures as one JSON line.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchE2e().then(
    (f) => {
      console.log(JSON.stringify(f))
      process.exit(0)
    },
    (err) => {
      console.error(err)
      process.exit(1)
    },
  )
}
