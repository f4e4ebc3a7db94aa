import { readFileSync } from 'node:fs'

/**
 * CPU and memory of a process tree from /proc (Linux): utime + stime in clock ticks (USER_HZ, 100 on Linux)
 * and VmRSS. The idle figure of `npm start` is the ticks its processes burn per second with no traffic.
 */
export const TicksPerSec = 100

export function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(f[11]) + Number(f[12]) // utime, stime (fields 14 and 15 of proc(5))
  } catch {
    return 0 // gone meanwhile
  }
}

export function rssKiB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  } catch {
    return 0
  }
}

export interface IdleFigures {
  seconds: number
  processes: number
  ticksPerSec: number
  /** ticksPerSec as a percentage of one core. */
  percentOfCore: number
  rssMiB: number
}

/** Ticks per second summed over `pids()` for `ms`, with no traffic sent meanwhile. */
export async function idleCpu(pids: () => number[], ms = 30_000): Promise<IdleFigures> {
  const before = pids()
  const t0 = new Map(before.map((p) => [p, ticksOf(p)]))
  const started = performance.now()
  await new Promise((r) => setTimeout(r, ms))
  const sec = (performance.now() - started) / 1000
  const after = pids()
  // A process that started during the window counts from zero; one that ended is left out (its ticks are lost).
  const ticks = after.reduce((sum, p) => sum + ticksOf(p) - (t0.get(p) ?? 0), 0)
  const perSec = ticks / sec
  return {
    seconds: Math.round(sec),
    processes: after.length,
    ticksPerSec: Math.round(perSec * 10) / 10,
    percentOfCore: Math.round((perSec / TicksPerSec) * 1000) / 10,
    rssMiB: Math.round(after.reduce((sum, p) => sum + rssKiB(p), 0) / 1024),
  }
}

export const JvmPart = 'dynamodb-local (JVM)'

/** The local stack's processes by what they run (infra/local/main.ts spawns the node, the Lambda host and the API). */
const Parts: [string, RegExp][] = [
  [JvmPart, /DynamoDBLocal/],
  ['smpp node', /smpp-node\/main\.ts/],
  ['lambda host', /infra\/local\/lambda-host\.ts/],
  ['api', /functions\/api\/local\.ts/],
  ['stack main (SQS server, simulators)', /infra\/local\/main\.ts/],
  ['esbuild (tsx transform service)', /esbuild/],
]

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return ''
  }
}

/** The part of the stack `pid` is (one of Parts), or its command line's start. */
export const partOf = (pid: number) => {
  const cmd = cmdline(pid)
  return Parts.find(([, re]) => re.test(cmd))?.[0] ?? cmd.slice(0, 60)
}
