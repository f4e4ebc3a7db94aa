import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startStack } from '../test/e2e/stack'
import { load, receiptLatency } from './e2e-load'
import { connectEsme, type Esme } from './esme'
import { readCounts, spent } from './meter-files'
import { partOf, TicksPerSec, ticksOf } from './proc-cpu'

/**
 * Where the local stack's CPU goes, per accepted message with its receipt (issue 12): spawns the stack as the
 * bench does (METER_DIR set), puts the one-account load of bench/e2e.ts on it (the demo account, 2 transceivers x
 * `window`, up to `messages` in 20 s), and prints each process's CPU ms per message (utime + stime from /proc;
 * DynamoDB Local's JVM is the `java` line), the DynamoDB requests per message by operation and table, and the SQS
 * requests per message by action.
 * CPU per message, unlike a rate, means something on a shared machine.
 *
 *   npx tsx bench/cpu-per-message.ts [messages=600] [window=20]
 *
 * By profile: LOCAL_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" reaches every Node process of the stack
 * (each writes its profile when it exits), and `npx tsx bench/top-profile.ts <file> 40 <load window>` reads one.
 */
const [messages = 600, window = 20] = process.argv.slice(2).map(Number)
const To = '447700900123'

const meterDir = mkdtempSync(join(tmpdir(), 'cpu-meter-'))
const stack = await startStack({ METER_DIR: meterDir, SIMULATOR_RECEIPT_DELAY_MS: '50' })
const esmes: Esme[] = []
try {
  for (let i = 0; i < 2; i++) esmes.push(await connectEsme(stack.ports.smpp, 'demo', 'demopass'))
  await receiptLatency(esmes[0], To, 20, 4, 60_000) // warm-up: cold handlers, SDK connections
  const pids = () => [stack.proc.pid ?? 0, ...stack.descendants()]
  await new Promise((r) => setTimeout(r, 1_500))
  const before = readCounts(meterDir)
  const t0 = new Map(pids().map((p) => [p, ticksOf(p)]))
  const loadFrom = process.hrtime.bigint() / 1000n
  const fig = await load(esmes, To, window, messages, 20_000)
  // The load's window on the clock of V8's profiles, for bench/top-profile.ts (LOCAL_CHILD_NODE_ARGS=--cpu-prof).
  console.log(`load window (monotonic µs) ${loadFrom}-${process.hrtime.bigint() / 1000n}`)
  await new Promise((r) => setTimeout(r, 1_500)) // the meter files' last flush
  const used = spent(readCounts(meterDir), before)
  const n = Math.max(1, fig.accepted)
  console.log(`${fig.accepted} accepted, ${fig.receipts} receipts, ${fig.acceptedPerSec}/s, resp p50 ${fig.respP50Ms} ms`)
  for (const p of pids()) {
    const ms = ((ticksOf(p) - (t0.get(p) ?? 0)) * 1000) / TicksPerSec / n
    if (ms > 0.05) console.log(`${ms.toFixed(2).padStart(8)} ms CPU per message  ${partOf(p)}`)
  }
  const per = (v: number) => (v / n).toFixed(3).padStart(8)
  console.log(
    `${per(used.ddbRequests)} DynamoDB requests per message (${per(used.ddbWriteUnits).trim()} WRU, ${per(used.ddbReadUnits).trim()} RRU)`,
  )
  for (const [op, v] of Object.entries(used.ddbRequestsByOp).sort(([, a], [, b]) => b - a)) console.log(`${per(v)}   ${op}`)
  // Where the write units go (issue 12, cost): the per-op WRU and the SQS requests beside the DynamoDB requests.
  console.log('write units per message by operation and table:')
  for (const [op, v] of Object.entries(used.ddbWriteByOp).sort(([, a], [, b]) => b - a)) console.log(`${per(v)}   ${op}`)
  console.log(
    `${per(used.sqsRequests)} SQS requests per message (sqsRequestsPerMessage), ${per(used.lambdaInvocations).trim()} Lambda invocations`,
  )
  for (const [action, v] of Object.entries(used.sqsByAction).sort(([, a], [, b]) => b - a)) console.log(`${per(v)}   ${action}`)
} finally {
  for (const e of esmes) e.close()
  await stack.stop()
  rmSync(meterDir, { recursive: true, force: true })
}
