import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { emptyCounts, FlushMs, type MeterCounts } from '../lib/adapters/aws/meter'
import { startStack } from '../test/e2e/stack'
import { receiptLatency } from './e2e-load'
import { connectEsme } from './esme'
import { spent } from './meter-files'
import { JvmPart, partOf, rssKiB, TicksPerSec, ticksOf } from './proc-cpu'
import { runAsScript } from './script'

/**
 * Who burns an idle stack's CPU (issue 12: under 5 % of a core). Starts the stack as the e2e bench does
 * (test/e2e/stack.ts: `infra/local/main.ts --in-memory` on free ports), sends the bench's 5 warm-up messages
 * with receipts, lets it settle, then samples utime+stime of every process below it for `--seconds` and prints
 * ticks/s per process, named by its command line, and each process's DynamoDB and SQS requests per second
 * (its meter file, lib/adapters/aws/meter.ts). Extra `KEY=VALUE` arguments go into the stack's env, so a
 * suspect can be switched off or on for one run:
 *
 *   npx tsx bench/idle.ts                           the stack as the bench runs it
 *   npx tsx bench/idle.ts DUE_SWEEP_MS=600000       the same, the local due sweep every 10 min
 *   npx tsx bench/idle.ts --seconds=60 --no-warm    longer sample, no traffic at all before it
 *   npx tsx bench/idle.ts --no-meter                without the bench's meter files (METER_DIR)
 *
 * Prints a table and one JSON line ({ env, seconds, rows: [{ part, pid, ticksPerSec, rssMiB }], total }).
 */

export interface IdleRow {
  part: string
  pid: number
  ticksPerSec: number
  rssMiB: number
}

/** Ticks of each thread group of `pid` (its threads by name, digits dropped but the JIT's: `qtp-123-45` -> `qtp--`, `C2 CompilerThre`). */
function threadTicks(pid: number): Map<string, number> {
  const out = new Map<string, number>()
  let tasks: string[] = []
  try {
    tasks = readdirSync(`/proc/${pid}/task`)
  } catch {
    return out
  }
  for (const t of tasks) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8')
        .trim()
        .replace(/(?<!^C)\d+/g, '')
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out.set(name, (out.get(name) ?? 0) + Number(f[11]) + Number(f[12]))
    } catch {
      // ended meanwhile
    }
  }
  return out
}

/** Ticks/s of each process of `pids()` over `ms`, with no traffic meanwhile. */
export async function idleByProcess(pids: () => number[], ms: number): Promise<IdleRow[]> {
  const t0 = new Map(pids().map((p) => [p, ticksOf(p)]))
  const jvm = pids().find((p) => partOf(p) === JvmPart)
  const threads0 = jvm ? threadTicks(jvm) : new Map<string, number>()
  const started = performance.now()
  await new Promise((r) => setTimeout(r, ms))
  const sec = (performance.now() - started) / 1000
  // The JVM's threads (Jetty's request threads, SQLite, JIT, GC, the VM's periodic task): what its ticks pay for.
  const threads = [...(jvm ? threadTicks(jvm) : [])]
    .map(([name, n]) => ({ jvmThread: name, ticksPerSec: Math.round(((n - (threads0.get(name) ?? 0)) / sec) * 10) / 10 }))
    .filter((r) => r.ticksPerSec > 0)
    .sort((a, b) => b.ticksPerSec - a.ticksPerSec)
  if (threads.length > 0) console.table(threads)
  return pids()
    .map((pid) => ({
      part: partOf(pid),
      pid,
      ticksPerSec: Math.round(((ticksOf(pid) - (t0.get(pid) ?? 0)) / sec) * 10) / 10,
      rssMiB: Math.round(rssKiB(pid) / 1024),
    }))
    .sort((a, b) => b.ticksPerSec - a.ticksPerSec)
}

/** Each process's meter file (lib/adapters/aws/meter.ts), by its name (`node-1234`). */
function perProcessCounts(dir: string): Record<string, MeterCounts> {
  const out: Record<string, MeterCounts> = {}
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    try {
      out[f.replace(/\.json$/, '')] = { ...emptyCounts(), ...JSON.parse(readFileSync(join(dir, f), 'utf8')) }
    } catch {
      // renamed into place meanwhile
    }
  }
  return out
}

/** DynamoDB and SQS requests per second of each process over the sample, SQS by action. */
function requestRates(before: Record<string, MeterCounts>, after: Record<string, MeterCounts>, seconds: number) {
  const rate = (n: number) => Math.round((n / seconds) * 100) / 100
  return Object.entries(after).map(([meter, a]) => {
    const d = spent(a, before[meter] ?? emptyCounts())
    const sqs = Object.entries(d.sqsByAction).map(([k, v]) => `${k} ${rate(v)}`)
    return { meter, ddbRequestsPerSec: rate(d.ddbRequests), sqsRequestsPerSec: rate(d.sqsRequests), sqs: sqs.join(', ') }
  })
}

async function main() {
  const args = process.argv.slice(2)
  const seconds = Number(args.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 30)
  const warm = !args.includes('--no-warm')
  const env = Object.fromEntries(
    args.filter((a) => /^[A-Z_][A-Z0-9_]*=/.test(a)).map((a) => [a.split('=')[0], a.slice(a.indexOf('=') + 1)]),
  )
  // As the e2e bench runs it: its carrier delay and its meter files (--no-meter leaves those out).
  const meterDir = args.includes('--no-meter') ? undefined : mkdtempSync(join(tmpdir(), 'idle-meter-'))
  const stack = await startStack({ SIMULATOR_RECEIPT_DELAY_MS: '50', ...(meterDir ? { METER_DIR: meterDir } : {}), ...env })
  try {
    if (warm) {
      const esme = await connectEsme(stack.ports.smpp, 'demo', 'demopass')
      await receiptLatency(esme, '447700900123', 5, 1, 60_000)
      esme.close()
    }
    await new Promise((r) => setTimeout(r, 5_000)) // the last batch's flushes and the cold start's GC settle
    const counted0 = meterDir ? perProcessCounts(meterDir) : {}
    const rows = await idleByProcess(() => [stack.proc.pid ?? 0, ...stack.descendants()], seconds * 1_000)
    await new Promise((r) => setTimeout(r, FlushMs * 4)) // every process has written its counts
    const requests = meterDir ? requestRates(counted0, perProcessCounts(meterDir), seconds) : []
    const total = Math.round(rows.reduce((s, r) => s + r.ticksPerSec, 0) * 10) / 10
    console.table(rows)
    if (requests.length > 0) console.table(requests)
    console.log(`total ${total} ticks/s = ${Math.round((total / TicksPerSec) * 1000) / 10} % of a core over ${seconds} s`)
    console.log(JSON.stringify({ env, seconds, warm, rows, requests, total }))
  } finally {
    await stack.stop()
    if (meterDir) rmSync(meterDir, { recursive: true, force: true })
  }
}

runAsScript(import.meta.url, main)
