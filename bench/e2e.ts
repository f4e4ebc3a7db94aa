import { type ChildProcess, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { freePort } from '../infra/local/ports'
import { CommandId, type Pdu } from '../lib/smpp/pdu'
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
  startTimeoutMs?: number
  receiptMessages?: number
  receiptWindow?: number
  sessions?: number
  window?: number
  messages?: number
  durationMs?: number
}

export interface E2eFigures {
  /** Seconds from spawning the stack to its 'ready' line. */
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
const root = fileURLToPath(new URL('../', import.meta.url))
const ReceiptTo = '447700900123' // an ordinary number: the simulator answers DELIVRD
// Every text differs: the platform refuses the same text to the same number within the duplicate window (0x0453).
const runTag = Date.now().toString(36)
let texts = 0

/** Every process below `pid` (Linux /proc): the stack's children, for a clean stop if SIGTERM is not enough. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = []
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent !== p || found.includes(child)) continue
      found.push(child)
      walk(child)
    }
  }
  walk(pid)
  return found
}

async function startStack(timeoutMs: number) {
  const ports = {
    smpp: await freePort(),
    tls: await freePort(),
    api: await freePort(),
    health: await freePort(),
    simulator: await freePort(),
  }
  const stack: ChildProcess = spawn(`${root}node_modules/.bin/tsx`, ['infra/local/main.ts', '--in-memory'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      SMPP_PORT: String(ports.smpp),
      SMPP_TLS_PORT: String(ports.tls),
      API_PORT: String(ports.api),
      HEALTH_PORT: String(ports.health),
      SIMULATOR_PORT: String(ports.simulator),
      ADMIN_API_KEY: 'bench-key',
      VERDICT_DEADLINE_MS: '30000', // a loaded 2-core machine must not turn slowness into 0x0402
    },
  })
  let output = ''
  const collect = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000)
  }
  stack.stdout?.on('data', collect)
  stack.stderr?.on('data', collect)
  const started = performance.now()
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(() => reject(new Error(`stack not ready in ${timeoutMs} ms:\n${output.slice(-2_000)}`))),
      timeoutMs,
    )
    const check = setInterval(() => output.includes('Local SMPP platform ready') && finish(resolve), 100)
    const onExit = (code: number | null) => finish(() => reject(new Error(`stack exited (${code}) during start:\n${output.slice(-2_000)}`)))
    const finish = (f: () => void) => {
      clearInterval(check)
      clearTimeout(timer)
      stack.off('exit', onExit)
      f()
    }
    stack.once('exit', onExit)
  })
  const stop = async () => {
    if (stack.exitCode !== null || stack.pid === undefined) return
    const below = descendants(stack.pid)
    const exited = new Promise<void>((r) => stack.once('exit', () => r()))
    stack.kill('SIGTERM')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))])
    for (const pid of [...below, stack.pid]) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone: the stack stopped its children itself
      }
    }
  }
  return { port: ports.smpp, startSec: round((performance.now() - started) / 1000, 1), stop, output: () => output }
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
    startTimeoutMs: 240_000,
    receiptMessages: 20,
    receiptWindow: 4,
    sessions: 2,
    window: 25,
    messages: 3_000,
    durationMs: 20_000,
    ...opts,
  }
  const stack = await startStack(o.startTimeoutMs)
  const esmes: Esme[] = []
  try {
    // One session during the receipt phase: the node spreads receipts round-robin over the account's
    // receiver sessions, and only this one is listening for them.
    esmes.push(await connectEsme(stack.port, 'demo', 'demopass'))
    // Warm-up: the first messages pay for cold Lambda handlers and SDK connections.
    await receiptLatency(esmes[0], 3, 1, 60_000)
    const lat = (await receiptLatency(esmes[0], o.receiptMessages, o.receiptWindow, 60_000)).sort((a, b) => a - b)
    while (esmes.length < o.sessions) esmes.push(await connectEsme(stack.port, 'demo', 'demopass'))
    const tp = await throughput(esmes, o.window, o.messages, o.durationMs)
    return {
      stackStartSec: stack.startSec,
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
