import { CommandId, type Pdu } from '../lib/smpp/pdu'
import type { Esme } from './esme'
import { submitBody } from './esme'
import { percentile, round } from './stats'

// Every text differs: the platform refuses the same text to the same number within the duplicate window (0x0453).
const runTag = Date.now().toString(36)
let texts = 0
const text = (what: string) => `${what} ${runTag} ${++texts}`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export function receiptId(pdu: Pdu): string | undefined {
  const b = pdu.body as { receiptedMessageId?: string; shortMessage?: Buffer }
  if (b.receiptedMessageId) return b.receiptedMessageId
  return /id:(\S+)/.exec(b.shortMessage?.toString('latin1') ?? '')?.[1]
}

/** Submit -> receipt latency of `n` messages with at most `window` between submit and receipt, bounded by `timeoutMs`. */
export async function receiptLatency(esme: Esme, to: string, n: number, window: number, timeoutMs: number): Promise<number[]> {
  const sentAt = new Map<string, number>()
  const early = new Map<string, number>() // a receipt that beat its own submit_sm_resp
  const latencies: number[] = []
  esme.onDeliver = (pdu: Pdu) => {
    const now = performance.now()
    const id = receiptId(pdu)
    if (id === undefined) return
    const t = sentAt.get(id)
    if (t === undefined) early.set(id, now)
    else {
      sentAt.delete(id)
      latencies.push(now - t)
    }
  }
  const deadline = performance.now() + timeoutMs
  let next = 0
  const worker = async () => {
    while (next < n && performance.now() < deadline) {
      next++
      const t = performance.now()
      const resp = await esme.request(CommandId.SubmitSm, submitBody(to, 1, text('receipt latency')))
      const id = (resp.body as { messageId?: string }).messageId
      if (resp.status !== 0 || !id) continue
      const arrived = early.get(id)
      if (arrived !== undefined) latencies.push(arrived - t)
      else sentAt.set(id, t)
      while (sentAt.size >= window && performance.now() < deadline) await sleep(2)
    }
  }
  await Promise.all(Array.from({ length: window }, worker))
  while (latencies.length < n && performance.now() < deadline) await sleep(5)
  esme.onDeliver = undefined
  return latencies.sort((a, b) => a - b)
}

export interface LoadFigures {
  sessions: number
  window: number
  sent: number
  accepted: number
  refused: Record<string, number>
  acceptedPerSec: number
  respP50Ms: number
  respP99Ms: number
  /** Receipts that reached the sessions for the accepted messages (registered_delivery 1). */
  receipts: number
}

/**
 * `window` submit_sm outstanding per session (registered_delivery 1) until `messages` were sent or `durationMs`
 * passed; accepted submit_sm_resp per second over the sending time. Then waits, up to `drainMs`, for the
 * receipts of the accepted messages, so what the run spent covers each message with its receipt.
 */
export async function load(esmes: Esme[], to: string, window: number, messages: number, durationMs: number, drainMs = 30_000) {
  const refused: Record<string, number> = {}
  const respMs: number[] = []
  let sent = 0
  let accepted = 0
  let receipts = 0
  for (const e of esmes) e.onDeliver = (pdu) => void (receiptId(pdu) !== undefined && receipts++)
  const start = performance.now()
  const stopAt = start + durationMs
  let lastResp = start
  const worker = async (esme: Esme) => {
    while (sent < messages && performance.now() < stopAt) {
      sent++
      const t = performance.now()
      const resp = await esme.request(CommandId.SubmitSm, submitBody(to, 1, text('end to end throughput')))
      lastResp = performance.now()
      respMs.push(lastResp - t)
      const code = `0x${resp.status.toString(16).padStart(4, '0')}`
      if (resp.status === 0) accepted++
      else refused[code] = (refused[code] ?? 0) + 1
    }
  }
  // Outstanding requests still count after stopAt: their responses are waited for (bounded by the node's verdict deadline).
  await Promise.all(esmes.flatMap((e) => Array.from({ length: window }, () => worker(e))))
  const drainUntil = performance.now() + drainMs
  while (receipts < accepted && performance.now() < drainUntil) await sleep(20)
  for (const e of esmes) e.onDeliver = undefined
  respMs.sort((a, b) => a - b)
  return {
    sessions: esmes.length,
    window,
    sent,
    accepted,
    refused,
    acceptedPerSec: round((accepted * 1000) / Math.max(1, lastResp - start), 1),
    respP50Ms: round(percentile(respMs, 50)),
    respP99Ms: round(percentile(respMs, 99)),
    receipts,
  } satisfies LoadFigures
}
