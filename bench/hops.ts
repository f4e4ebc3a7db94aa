import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { now } from '../lib/adapters/aws/hop-trace'
import { CommandId } from '../lib/smpp/pdu'
import { startStack } from '../test/e2e/stack'
import { receiptId } from './e2e-load'
import { connectEsme, type Esme, submitBody } from './esme'
import { runAsScript } from './script'
import { percentile, round } from './stats'

/**
 * Where a message's time goes, hop by hop (issue 12). Spawns the local stack with HOP_TRACE_DIR set (every
 * process marks its SQS sends and receives and the DynamoDB writes that move a message:
 * lib/adapters/aws/hop-trace.ts), puts the one-account load of bench/e2e.ts on it (the demo account,
 * `sessions` transceivers x `window`, distinct texts, registered_delivery 1, the simulator's receipt delay
 * `carrierDelayMs`), marks submit, resp and receipt at the ESME, then prints per hop the p50/p99 of the time
 * between its two marks over every message that has both, and one JSON line.
 *
 *   npx tsx bench/hops.ts [messages=600] [window=20]
 */
/**
 * The hops, each from one mark to the next (lib/adapters/aws/hop-trace.ts names them: `<process> <event>`). A send
 * is marked when it is issued, so a queue hop holds the send's request and the wait for the receive; a write or a
 * receive when its request returned. A verdict in a bundle and a delivery nudge are marks of their own kind
 * (`sent:verdict`, `sent:deliver`), so each hop is one real interval of one message.
 */
export const Chain: [string, string, string][] = [
  // submit_sm -> submit_sm_resp
  ['node: decode, job, submit batcher', 'esme submit', 'node sent:submit'],
  ['submit SendMessageBatch -> runner receive', 'node sent:submit', 'functions got:submit'],
  ['submit Lambda: first reads (decisions, account, stop words)', 'functions got:submit', 'functions read:decisions'],
  ['submit Lambda: blacklist, price, charge transaction', 'functions read:decisions', 'functions charged'],
  ['submit Lambda: charged -> verdicts sent', 'functions charged', 'functions sent:verdict'],
  ['verdict SendMessageBatch -> node receive', 'functions sent:verdict', 'node got:verdict'],
  ['node: resp written -> ESME', 'node got:verdict', 'esme resp'],
  // accepted -> receipt deliver_sm
  ['submit Lambda: verdicts sent -> dispatch sent', 'functions sent:verdict', 'functions sent:dispatch'],
  ['dispatch SendMessageBatch -> runner receive', 'functions sent:dispatch', 'functions got:dispatch'],
  // The simulator posts the receipt `carrierDelayMs` after it answered the HTTP submit, while dispatch writes ENROUTE.
  ['dispatch Lambda: lease, upstream HTTP; carrier delay', 'functions got:dispatch', 'carrier sent:receipts'],
  ['(dispatch Lambda: lease, upstream HTTP, ENROUTE write)', 'functions got:dispatch', 'functions state:ENROUTE'],
  ['receipts SendMessageBatch -> runner receive', 'carrier sent:receipts', 'functions got:receipts'],
  // One transaction per batch holds the state moves and the stored receipts (lib/adapters/dynamo/effects.ts).
  ['DLR Lambda: lookup, final state + pending put (one transaction)', 'functions got:receipts', 'functions pending'],
  ['DLR Lambda: sessions, nudges at the batch end', 'functions pending', 'functions sent:deliver'],
  ['nudge SendMessageBatch -> node receive', 'functions sent:deliver', 'node got:deliver'],
  ['node: claim pending, deliver_sm -> ESME', 'node got:deliver', 'esme receipt'],
  // totals
  ['total submit -> resp', 'esme submit', 'esme resp'],
  ['total submit -> receipt', 'esme submit', 'esme receipt'],
  ['total resp -> receipt', 'esme resp', 'esme receipt'],
]

export type Marks = Map<string, Map<string, number>> // id -> event (the n-th time: `event#n`) -> its time

/** Mark lines `<epoch ms> <process> <event> <id>` of every process, by message id, each event in time order. */
export function parseMarks(lines: string[]): Marks {
  const marks: Marks = new Map()
  const parsed = lines
    .filter(Boolean)
    .map((l) => l.split(' '))
    .map(([t, proc, event, id]) => ({ t: Number(t), event: `${proc} ${event}`, id }))
    .sort((a, b) => a.t - b.t)
  for (const { t, event, id } of parsed) {
    const m = marks.get(id) ?? new Map<string, number>()
    marks.set(id, m)
    let name = event
    for (let n = 2; m.has(name); n++) name = `${event}#${n}`
    m.set(name, t)
  }
  return marks
}

const readLines = (dir: string): string[] => readdirSync(dir).flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
const Took = /^(\S+) (\S+) took:(\S+) (\S+)$/

export interface RequestFigure {
  request: string // `<process> <command>`
  n: number
  p50Ms: number
  p99Ms: number
}

/** Per process and command, the time of its requests issued at or after `from` (the `took:` lines of hop-trace.ts). */
export function requestTimes(lines: string[], from: number): RequestFigure[] {
  const by = new Map<string, number[]>()
  for (const l of lines) {
    const m = Took.exec(l)
    if (!m || Number(m[1]) < from) continue
    const key = `${m[2]} ${m[3]}`
    by.set(key, [...(by.get(key) ?? []), Number(m[4])])
  }
  return [...by]
    .map(([request, d]) => {
      d.sort((x, y) => x - y)
      return { request, n: d.length, p50Ms: round(percentile(d, 50), 1), p99Ms: round(percentile(d, 99), 1) }
    })
    .sort((a, b) => a.request.localeCompare(b.request))
}

export interface HopFigure {
  hop: string
  n: number
  p50Ms: number
  p99Ms: number
}

export function hops(marks: Marks): HopFigure[] {
  return Chain.map(([hop, from, to]) => {
    const d: number[] = []
    for (const m of marks.values()) {
      const a = m.get(from)
      const b = m.get(to)
      if (a !== undefined && b !== undefined) d.push(b - a)
    }
    d.sort((x, y) => x - y)
    return { hop, n: d.length, p50Ms: round(percentile(d, 50), 1), p99Ms: round(percentile(d, 99), 1) }
  })
}

export async function benchHops(messages = 600, window = 20, sessions = 2, carrierDelayMs = 50, durationMs = 30_000) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-hops-'))
  const stack = await startStack({ HOP_TRACE_DIR: dir, SIMULATOR_RECEIPT_DELAY_MS: String(carrierDelayMs) })
  const esmes: Esme[] = []
  const own: string[] = []
  const esmeMark = (event: string, id: string, t = now()) => own.push(`${t} esme ${event} ${id}`)
  try {
    for (let i = 0; i < sessions; i++) esmes.push(await connectEsme(stack.ports.smpp, 'demo', 'demopass'))
    let receipts = 0
    for (const e of esmes)
      e.onDeliver = (pdu) => {
        const id = receiptId(pdu)
        if (id) esmeMark('receipt', id, now())
        receipts++
      }
    const tag = Date.now().toString(36)
    let sent = 0
    let accepted = 0
    const stopAt = performance.now() + durationMs
    const worker = async (esme: Esme) => {
      while (sent < messages && performance.now() < stopAt) {
        const n = ++sent
        const t = now()
        const resp = await esme.request(CommandId.SubmitSm, submitBody('447700900123', 1, `hops ${tag} ${n}`))
        const id = (resp.body as { messageId?: string }).messageId
        if (resp.status !== 0 || !id) continue
        accepted++
        esmeMark('submit', id, t)
        esmeMark('resp', id)
      }
    }
    await Promise.all(esmes.flatMap((e) => Array.from({ length: window }, () => worker(e))))
    const drainUntil = performance.now() + 30_000
    while (receipts < accepted && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20))
    await new Promise((r) => setTimeout(r, 600)) // every process flushes its marks every 200 ms
    // The first messages pay for cold handlers and connections: leave out the first tenth.
    const lines = readLines(dir)
    const marks = parseMarks([...lines.filter((l) => !Took.test(l)), ...own])
    const ordered = [...marks.entries()]
      .filter(([, m]) => m.has('esme submit'))
      .sort(([, a], [, b]) => a.get('esme submit')! - b.get('esme submit')!)
    const warm = new Map(ordered.slice(Math.floor(ordered.length / 10)))
    const from = Math.min(...[...warm.values()].map((m) => m.get('esme submit')!))
    return { sent, accepted, receipts, window, sessions, carrierDelayMs, hops: hops(warm), requests: requestTimes(lines, from) }
  } finally {
    for (const e of esmes) e.close()
    await stack.stop()
    // HOPS_KEEP=1 keeps the raw marks for a closer look (every line is `<epoch ms> <process> <event> <id or ms>`).
    if (process.env.HOPS_KEEP === '1') console.error(`marks kept in ${dir}`)
    else rmSync(dir, { recursive: true, force: true })
  }
}

runAsScript(
  import.meta.url,
  () => {
    const [messages, window] = process.argv.slice(2).map(Number)
    return benchHops(messages || 600, window || 20)
  },
  (f) => {
    console.log(`${f.accepted} accepted of ${f.sent}, ${f.receipts} receipts, ${f.sessions} x ${f.window}`)
    for (const h of f.hops) console.log(`${h.hop.padEnd(62)} n=${String(h.n).padStart(4)}  p50 ${h.p50Ms} ms  p99 ${h.p99Ms} ms`)
    console.log('requests (their own time; a ReceiveMessage includes its long-poll wait):')
    for (const r of f.requests) console.log(`  ${r.request.padEnd(60)} n=${String(r.n).padStart(5)}  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms`)
    console.log(JSON.stringify(f))
  },
)
