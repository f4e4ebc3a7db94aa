import { readFileSync } from 'node:fs'
import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Worker } from 'node:worker_threads'
import { memoryStores } from '../lib/adapters/memory'
import type { QueueConsumer, QueueSender } from '../lib/ports'
import { listen } from '../smpp-node/edge/server'
import { SmppNode } from '../smpp-node/node/node'
import { systemClock } from '../smpp-node/session/clock'
import { testAccount } from '../smpp-node/testing/accounts'
import { testSettings } from '../smpp-node/testing/harness'
import type { LoadResult } from '../smpp-node/testing/load-generator'
import { instantPipeline, MemoryQueues } from '../smpp-node/testing/memory-queues'
import { smpp } from '../smpp-node/testing/smpp-package'
import { InstantQueues } from './instant-queues'
import { runAsScript } from './script'
import { percentile, round } from './stats'

/**
 * The SMPP node benchmark (issue 4).
 *
 * Throughput and latency: a load generator (smpp-node/testing/load-generator.ts, in a worker thread, our
 * own codec on raw sockets) opens S transceiver sessions and keeps W submit_sm outstanding on each for
 * `durationMs`, against
 *   (a) our node, in this process, with memory stores and an "instant local verdict" (bench/instant-queues.ts):
 *       every job the node posts is JSON-serialised as by the SQS adapter and answered at once with a verdict
 *       0 on the node's callback queue, which the node's callback consumer receives, parses and deletes. It
 *       measures the node (framing, validation, throttle, id, job, verdict book, consumer, resp), not SQS or
 *       the pipeline;
 *   (b) the npm `smpp` package's server (smpp.createServer) answering each submit_sm at once,
 * in the same run, one after the other. Target: (a) at least 2x (b).
 *
 * Memory: N idle transceiver sessions bound to a fresh node; the node's V8 heap (after GC) and the
 * process RSS before and after, divided by N. Target: under 50 KiB per session.
 */
export interface BenchNodeOptions {
  sessions?: number
  window?: number
  durationMs?: number
  idleSessions?: number
}

export interface LoadFigures {
  /** submit_sm -> submit_sm_resp per second (responses within the run time). */
  submitsPerSec: number
  p50Ms: number
  p90Ms: number
  p99Ms: number
  maxMs: number
  errors: number
  /** Share of the run the server's event loop was busy (performance.eventLoopUtilization), in %. */
  serverBusyPct: number
  /** Server event-loop time per answered submit, in microseconds: the cost that does not depend on the load generator. */
  serverUsPerSubmit: number
  /**
   * CPU time of the server's thread per answered submit, in microseconds (Linux /proc, 10 ms ticks): unlike
   * the event-loop time it does not grow when other processes take the core away, so it is the steadiest
   * figure on a shared machine.
   */
  serverCpuUsPerSubmit: number
  /**
   * CPU time of the load generator's thread per answered submit, in microseconds: what the server's client costs on
   * the same 2 cores. A server can be measured faster than the core the generator leaves it.
   */
  generatorCpuUsPerSubmit: number
}

export interface BenchNodeFigures {
  sessions: number
  window: number
  durationMs: number
  node: LoadFigures
  smppPackage: LoadFigures
  /** node.submitsPerSec / smppPackage.submitsPerSec (target >= 2). */
  ratio: number
  idle: { sessions: number; heapPerSessionKiB: number; rssPerSessionKiB: number }
}

const SystemId = 'bench'
const Password = 'benchpw'
const LoadGenerator = new URL('../smpp-node/testing/load-generator.ts', import.meta.url)

function runWorker<T>(data: Record<string, unknown>, onMessage?: (msg: unknown, worker: Worker) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    // The worker registers tsx's loader itself, then imports the TypeScript load generator.
    const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(LoadGenerator.href)}) })`
    const worker = new Worker(boot, { eval: true, workerData: data })
    worker.on('message', (msg: { result?: T; error?: string }) => {
      if (msg.error) reject(new Error(msg.error))
      else if (msg.result !== undefined) resolve(msg.result)
      else onMessage?.(msg, worker)
    })
    worker.on('error', reject)
    worker.on('exit', () => void worker.unref())
  })
}

/** Runs the load against a port, measuring how busy this thread's event loop (the server's) was meanwhile. */
export async function measure(data: Record<string, unknown>): Promise<LoadFigures> {
  const before = performance.eventLoopUtilization()
  const cpu0 = threadCpuMs()
  const r = await runWorker<LoadResult>(data)
  const cpuMs = threadCpuMs() - cpu0
  const elu = performance.eventLoopUtilization(before)
  return {
    ...figures(r),
    serverBusyPct: round(elu.utilization * 100, 1),
    serverUsPerSubmit: round((elu.active * 1000) / Math.max(1, r.responses), 2),
    serverCpuUsPerSubmit: round((cpuMs * 1000) / Math.max(1, r.responses), 2),
    generatorCpuUsPerSubmit: round((r.cpuMs * 1000) / Math.max(1, r.responses), 2),
  }
}

/** User + system CPU time of this process's main thread (not the load generator's worker), in ms; 0 off Linux. */
function threadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ClockTicksPerSec
  } catch {
    return 0
  }
}
// USER_HZ: 100 on every Linux Node supports.
const ClockTicksPerSec = 100

function figures(
  r: LoadResult,
): Omit<LoadFigures, 'serverBusyPct' | 'serverUsPerSubmit' | 'serverCpuUsPerSubmit' | 'generatorCpuUsPerSubmit'> {
  const sorted = Float64Array.from(r.latenciesMs).sort()
  const arr = Array.from(sorted)
  return {
    submitsPerSec: Math.round((r.inWindow / r.elapsedMs) * 1000),
    p50Ms: round(percentile(arr, 50)),
    p90Ms: round(percentile(arr, 90)),
    p99Ms: round(percentile(arr, 99)),
    maxMs: round(arr[arr.length - 1] ?? 0),
    errors: r.errors,
  }
}

/** Our node with memory stores and the instant local verdict, on a loopback port. */
export async function startOurNode(window: number) {
  const stores = memoryStores()
  await stores.accounts.create(testAccount(SystemId, Password, { speed: 1_000_000_000, sessionLimit: 100_000 }))
  const settings = testSettings(
    { windowSize: Math.max(100, window), bindTimeoutMs: 60_000, verdictDeadlineMs: 5_000, responseTimeoutMs: 60_000 },
    { callbackPollers: 32, callbackWaitSec: 1, heartbeatMs: 600_000 },
  )
  // BENCH_PIPELINE=memory: the test suite's MemoryQueues instead (full SQS semantics, and the pipeline's own
  // JSON.parse of every job on the node's thread): how the figures were taken before the profile work.
  let queues: QueueSender & QueueConsumer
  if (process.env.BENCH_PIPELINE === 'memory') {
    const memory = new MemoryQueues(false)
    instantPipeline(memory, settings.submitQueueUrl)
    queues = memory
  } else queues = new InstantQueues(settings.submitQueueUrl, settings.callbackQueueUrl)
  const node = new SmppNode({ settings, stores, queues, clock: systemClock })
  node.start()
  const listeners = await listen(node, { smpp: settings.smpp, clock: systemClock })
  return {
    port: listeners.tcpPort!,
    node,
    close: async () => {
      await listeners.close()
      await node.close()
    },
  }
}

/** The npm `smpp` package's server, answering binds and submits at once. */
export async function startSmppPackageServer() {
  let id = 0
  const server = smpp.createServer({}, (session) => {
    session.on('error', () => {})
    session.on('bind_transceiver', (pdu) => session.send(pdu.response({ system_id: 'SMSC' })))
    session.on('enquire_link', (pdu) => session.send(pdu.response()))
    session.on('submit_sm', (pdu) => session.send(pdu.response({ message_id: String(++id) })))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of server.sessions) s.destroy()
        server.close(() => resolve())
      }),
  }
}

const gc = (): void => {
  v8.setFlagsFromString('--expose-gc')
  const collect = runInNewContext('gc') as () => void
  // Twice: the first pass can leave objects whose finalisers ran to the second.
  collect()
  collect()
}

async function idleMemory(sessions: number) {
  const target = await startOurNode(100)
  gc()
  const heap0 = process.memoryUsage().heapUsed
  const rss0 = process.memoryUsage().rss
  let release: (() => void) | undefined
  const held = new Promise<void>((resolve) => {
    release = resolve
  })
  const done = runWorker<unknown>({ mode: 'idle', port: target.port, sessions, systemId: SystemId, password: Password }, (_msg, worker) => {
    void held.then(() => worker.postMessage('close'))
  })
  // Wait for the worker's 'bound', then for the node to count every session.
  for (let i = 0; i < 600 && target.node.sessionCounts().transceiver < sessions; i++) await new Promise((r) => setTimeout(r, 50))
  await new Promise((r) => setTimeout(r, 200))
  gc()
  const heap1 = process.memoryUsage().heapUsed
  const rss1 = process.memoryUsage().rss
  const bound = target.node.sessionCounts().transceiver
  release!()
  await done
  await target.close()
  return {
    sessions: bound,
    heapPerSessionKiB: round((heap1 - heap0) / bound / 1024),
    // RSS includes the load generator's side of each socket (same process): an upper bound.
    rssPerSessionKiB: round((rss1 - rss0) / bound / 1024),
  }
}

export async function benchNode(opts: BenchNodeOptions = {}): Promise<BenchNodeFigures> {
  const sessions = opts.sessions ?? 4
  const window = opts.window ?? 50
  const durationMs = opts.durationMs ?? 5_000
  const load = { mode: 'load', sessions, window, durationMs, systemId: SystemId, password: Password }

  // Memory first, on a process that has not yet run any load: garbage and retained buffers of the load
  // runs (the generator's latencies, the smpp server's sessions) would otherwise blur a ~5 KiB figure.
  const idle = await idleMemory(opts.idleSessions ?? 500)

  const ours = await startOurNode(window)
  const node = await measure({ ...load, port: ours.port })
  await ours.close()

  const theirs = await startSmppPackageServer()
  const smppPackage = await measure({ ...load, port: theirs.port })
  await theirs.close()
  return {
    sessions,
    window,
    durationMs,
    node,
    smppPackage,
    ratio: round(node.submitsPerSec / Math.max(1, smppPackage.submitsPerSec)),
    idle,
  }
}

// `tsx bench/node.ts` runs it alone and prints the figures as one JSON line.
runAsScript(import.meta.url, benchNode, (f) => console.log(JSON.stringify(f)))
