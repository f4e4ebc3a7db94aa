/**
 * `npm run bench`: the codec, the node against the npm `smpp` server, and the local stack end to end, in one
 * run. Prints a table per section, writes the figures to docs/PERFORMANCE.md (the generated section, with
 * the machine and date) and ends with ONE JSON line of every figure (names and units: docs/PERFORMANCE.md).
 *
 *   npm run bench                    all sections
 *   npm run bench -- --skip=e2e      leave a section out (codec, node, e2e); its figures are then absent
 *   npm run bench -- --no-write      do not touch docs/PERFORMANCE.md
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { benchCodec } from './codec'
import { benchE2e } from './e2e'
import { benchNode } from './node'

type Figures = Record<string, number | string>

const camel = (s: string) => s.replace(/[^a-zA-Z0-9]+(.)/g, (_, c: string) => c.toUpperCase())

async function codecSection(): Promise<Figures> {
  const rows = await benchCodec()
  console.log('\ncodec (operations per second)')
  console.table(rows.map((r) => ({ ...r, ratio: `${(r.ours / r.smpp).toFixed(1)}x` })))
  const f: Figures = {}
  for (const r of rows) {
    const key = camel(`codec ${r.name.replace(' receipt', '')}`) // codecEncodeSubmitSm, codecDecodeDeliverSm
    f[`${key}OpsPerSec`] = r.ours
    f[`${key}SmppOpsPerSec`] = r.smpp
    f[`${key}Ratio`] = Math.round((r.ours / r.smpp) * 100) / 100
  }
  return f
}

async function nodeSection(): Promise<Figures> {
  const n = await benchNode()
  console.log(`\nnode: submit_sm -> submit_sm_resp, S=${n.sessions} sessions, W=${n.window} window, ${n.durationMs} ms each`)
  console.table({ node: n.node, smppPackage: n.smppPackage })
  console.log(
    `idle bound sessions: ${n.idle.sessions}, heap ${n.idle.heapPerSessionKiB} KiB and RSS ${n.idle.rssPerSessionKiB} KiB per session`,
  )
  const side = (prefix: string, l: typeof n.node): Figures => ({
    [`${prefix}SubmitsPerSec`]: l.submitsPerSec,
    [`${prefix}P50Ms`]: l.p50Ms,
    [`${prefix}P99Ms`]: l.p99Ms,
    [`${prefix}ServerUsPerSubmit`]: l.serverUsPerSubmit,
    [`${prefix}ServerCpuUsPerSubmit`]: l.serverCpuUsPerSubmit,
    [`${prefix}GeneratorCpuUsPerSubmit`]: l.generatorCpuUsPerSubmit,
    [`${prefix}Errors`]: l.errors,
  })
  return {
    nodeSessions: n.sessions,
    nodeWindow: n.window,
    ...side('node', n.node),
    ...side('smpp', n.smppPackage),
    nodeRateRatio: n.ratio,
    nodeCpuRatio: Math.round((n.smppPackage.serverCpuUsPerSubmit / Math.max(0.01, n.node.serverCpuUsPerSubmit)) * 100) / 100,
    idleSessions: n.idle.sessions,
    idleHeapKiBPerSession: n.idle.heapPerSessionKiB,
    idleRssKiBPerSession: n.idle.rssPerSessionKiB,
  }
}

async function e2eSection(): Promise<Figures> {
  const e = await benchE2e()
  console.log(`\nend to end through the local stack (started in ${e.stackStartSec} s)`)
  console.table({ idle: e.idle, naive: e.naive, receipt: e.receipt })
  console.table({
    oneAccount: { ...e.oneAccount, refused: JSON.stringify(e.oneAccount.refused) },
    manyAccounts: { ...e.manyAccounts, refused: JSON.stringify(e.manyAccounts.refused) },
  })
  console.table({ perMessage: e.perMessage, costPer1M: e.cost })
  const refused = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0)
  return {
    e2eStackStartSec: e.stackStartSec,
    idleCpuTicksPerSec: e.idle.ticksPerSec,
    idleCpuPercentOfCore: e.idle.percentOfCore,
    idleRssMiB: e.idle.rssMiB,
    idleProcesses: e.idle.processes,
    naiveConcurrency: e.naive.concurrency,
    naiveChargesPerSec: e.naive.chargesPerSec,
    naiveConflicts: e.naive.conflicts,
    e2eSessions: e.oneAccount.sessions,
    e2eWindow: e.oneAccount.window,
    e2eSent: e.oneAccount.sent,
    e2eAccepted: e.oneAccount.accepted,
    e2eRefused: refused(e.oneAccount.refused),
    e2eReceipts: e.oneAccount.receipts,
    e2eAcceptedPerSec: e.oneAccount.acceptedPerSec,
    e2eVsNaiveCeiling: Math.round((e.oneAccount.acceptedPerSec / Math.max(0.1, e.naive.chargesPerSec)) * 100) / 100,
    e2eRespP50Ms: e.oneAccount.respP50Ms,
    e2eRespP99Ms: e.oneAccount.respP99Ms,
    manyAccounts: e.manyAccounts.accounts,
    manyWindowPerSession: e.manyAccounts.window,
    manyAccepted: e.manyAccounts.accepted,
    manyRefused: refused(e.manyAccounts.refused),
    manyAcceptedPerSec: e.manyAccounts.acceptedPerSec,
    manyRespP50Ms: e.manyAccounts.respP50Ms,
    manyRespP99Ms: e.manyAccounts.respP99Ms,
    receiptMessages: e.receipt.messages,
    receiptReceived: e.receipt.received,
    receiptCarrierDelayMs: e.receipt.carrierDelayMs,
    receiptP50Ms: e.receipt.p50Ms,
    receiptP99Ms: e.receipt.p99Ms,
    receiptNetP50Ms: e.receipt.netP50Ms,
    receiptNetP99Ms: e.receipt.netP99Ms,
    ddbWriteUnitsPerMessage: e.perMessage.ddbWriteUnits,
    ddbReadUnitsPerMessage: e.perMessage.ddbReadUnits,
    sqsRequestsPerMessage: e.perMessage.sqsRequests,
    sqsRequestsByAction: e.perMessage.sqsByAction,
    ddbWriteUnitsByOp: e.perMessage.ddbWriteByOp,
    ddbRequestsPerMessage: e.perMessage.ddbRequests,
    ddbRequestsByOp: e.perMessage.ddbRequestsByOp,
    ddbLocalCpuMsPerMessage: e.perMessage.ddbLocalCpuMs,
    lambdaInvocationsPerMessage: e.perMessage.lambdaInvocations,
    awsCostPer1M: e.cost.total,
    awsCostPer1MDynamo: e.cost.dynamo,
    awsCostPer1MSqs: e.cost.sqs,
    awsCostPer1MLambda: e.cost.lambda,
  }
}

// Each section is bounded: past its limit it is reported as failed and the run goes on.
const sections: Array<{ name: string; limitMs: number; run: () => Promise<Figures> }> = [
  { name: 'codec', limitMs: 60_000, run: codecSection },
  { name: 'node', limitMs: 180_000, run: nodeSection },
  { name: 'e2e', limitMs: 480_000, run: e2eSection },
]

function machine(): Figures {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : ''
  return {
    date: new Date().toISOString(),
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadAvg1m: Math.round(os.loadavg()[0] * 100) / 100,
  }
}

const skip = new Set(process.argv.flatMap((a) => (a.startsWith('--skip=') ? a.slice(7).split(',') : [])))
const all: Figures = machine()
const failures: string[] = []
for (const s of sections) {
  if (skip.has(s.name)) continue
  let timer: NodeJS.Timeout | undefined
  try {
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`over its ${s.limitMs} ms limit`)), s.limitMs)
    })
    Object.assign(all, await Promise.race([s.run(), limit]))
  } catch (err) {
    failures.push(`${s.name}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`)
    console.error(`\n${s.name} failed:`, err)
  } finally {
    clearTimeout(timer)
  }
}
if (failures.length) all.failures = failures.join('; ')
if (!process.argv.includes('--no-write')) writeDocs(all)
console.log(JSON.stringify(all))
process.exit(failures.length ? 1 : 0)

/** Replaces the generated block of docs/PERFORMANCE.md (between the markers) with this run's figures. */
function writeDocs(f: Figures): void {
  const file = fileURLToPath(new URL('../docs/PERFORMANCE.md', import.meta.url))
  const begin = '<!-- bench:begin (written by npm run bench; edits are overwritten) -->'
  const end = '<!-- bench:end -->'
  const rows = Object.entries(f)
    .map(([k, v]) => `| \`${k}\` | ${v} |`)
    .join('\n')
  const block = `${begin}\n## Latest run\n\n${f.date}, ${f.cpu}, ${f.cores} cores, ${f.memoryGiB} GiB, Node ${f.node}, 1-minute load average ${f.loadAvg1m} at the end.\n\n| figure | value |\n|---|---|\n${rows}\n\nJSON line of this run:\n\n\`\`\`json\n${JSON.stringify(f)}\n\`\`\`\n${end}`
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Performance\n'
  const a = text.indexOf(begin.slice(0, 20))
  const b = text.indexOf(end)
  writeFileSync(file, a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + end.length) : `${text.trimEnd()}\n\n${block}\n`)
}
