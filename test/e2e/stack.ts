import { type ChildProcess, spawn } from 'node:child_process'
import { appendFileSync, readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'

/**
 * The whole local stack as `npm start` runs it (infra/local/main.ts --in-memory, through tsx), on free loopback
 * ports, for end-to-end suites: one stack per test file (beforeAll), stopped with SIGTERM (afterAll).
 * The parts are found through /proc, so a fault test can SIGKILL or SIGSTOP one of them. A suite that leaves
 * DynamoDB Local alone starts its stack on the run's shared services instead (test/integration/stacks.ts): one
 * JVM less per file, which the other worker's file would otherwise compete with.
 */
export const root = fileURLToPath(new URL('../../', import.meta.url))
// Five processes compiling TypeScript and a JVM, on two busy cores while other suites run.
export const StartTimeoutMs = 240_000

export type PortName = 'smpp' | 'tls' | 'api' | 'health' | 'simulator'
/** The processes of a stack, by what their command line contains. */
export const Parts = {
  smpp: 'smpp-node/main.ts',
  lambda: 'infra/local/lambda-host.ts',
  api: 'functions/api/local.ts',
  dynamo: 'DynamoDBLocal',
} as const
export type PartName = keyof typeof Parts

export interface ApiAnswer {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of many shapes; tests assert on fields
  body: any
}

export interface Stack {
  proc: ChildProcess
  ports: Record<PortName, number>
  adminKey: string
  /** The last 200 kB of everything the stack printed. */
  output(): string
  /** Everything the stack printed, in full. */
  logFile: string
  /** The pid of one part, or undefined while it is not running. */
  pidOf(part: PartName): number | undefined
  /** Every process below the stack. */
  descendants(): number[]
  api(method: string, path: string, body?: unknown, key?: string, headers?: Record<string, string>): Promise<ApiAnswer>
  /** SIGTERM and wait for the exit code. */
  stop(timeoutMs?: number): Promise<number | null>
  /** SIGKILL the stack and everything below it (a failed test's cleanup). */
  kill(): void
}

/**
 * A free port below the kernel's ephemeral range (32768+ on Linux): a port from listen(0) can be handed out
 * again at once as the local port of some outgoing connection, and the child that should listen on it then
 * dies with EADDRINUSE. Each candidate is checked by listening on it.
 */
async function freePort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    if (taken.has(port)) continue
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer()
      srv.once('error', () => resolve(false))
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
    })
    if (free) {
      taken.add(port)
      return port
    }
  }
  throw new Error('no free port in 20000-31999')
}

/** Every process below `pid`, from /proc (Linux). */
export function descendants(pid: number): number[] {
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

export const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return ''
  }
}

/** Resident set size of a process in kB (VmRSS in /proc/<pid>/status). */
export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) : 0
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Polls `probe` until it returns a value other than undefined/false; bounded by `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  everyMs = 200,
) {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const v = await probe()
      if (v !== undefined && v !== false) return v as T
    } catch (err) {
      last = err
    }
    await sleep(everyMs)
  }
  throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${last})` : ''}`)
}

/**
 * Starts the stack and resolves once it printed "Local SMPP platform ready" (main.ts prints it after every
 * port answers). `env` adds settings of lib/config.ts (BIND_TIMEOUT_MS, VERDICT_DEADLINE_MS, …) or of
 * infra/local/main.ts (LOCAL_RESTART_CHILDREN).
 */
export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const taken = new Set<number>()
  const ports = {
    smpp: await freePort(taken),
    tls: await freePort(taken),
    api: await freePort(taken),
    health: await freePort(taken),
    simulator: await freePort(taken),
  }
  const adminKey = `e2e-admin-${Math.random().toString(36).slice(2)}`
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')))
  // `node --import tsx` rather than the tsx CLI: the CLI SIGKILLs its child when a relayed SIGTERM is not
  // acknowledged within 30 ms, which a loaded machine misses, and the stack could not stop in order (docs/LOCAL.md).
  // LOCAL_CHILD_NODE_ARGS (infra/local/children.ts) reaches the stack's own process too: it hosts the SQS server and
  // the simulators, a third of the stack's CPU per message (docs/PERFORMANCE.md).
  const extra = (env.LOCAL_CHILD_NODE_ARGS ?? process.env.LOCAL_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const proc = spawn(process.execPath, [...extra, '--import', 'tsx', 'infra/local/main.ts', '--in-memory'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...inherited,
      SMPP_PORT: String(ports.smpp),
      SMPP_TLS_PORT: String(ports.tls),
      API_PORT: String(ports.api),
      HEALTH_PORT: String(ports.health),
      SIMULATOR_PORT: String(ports.simulator),
      ADMIN_API_KEY: adminKey,
      VERDICT_DEADLINE_MS: '30000', // a loaded machine must not turn slowness into 0x0402
      DRAIN_TIMEOUT_MS: '2000',
      ...env,
    },
  })
  let out = ''
  const logFile = `${tmpdir()}/e2e-stack-${process.pid}-${ports.smpp}.log`
  const collect = (d: Buffer) => {
    out = (out + d.toString()).slice(-200_000)
    appendFileSync(logFile, d)
  }
  proc.stdout?.on('data', collect)
  proc.stderr?.on('data', collect)
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)))

  const find = (part: PartName) => descendants(proc.pid!).find((p) => cmdline(p).includes(Parts[part]))
  const stack: Stack = {
    proc,
    ports,
    adminKey,
    output: () => out,
    logFile,
    pidOf: find,
    descendants: () => descendants(proc.pid!),
    async api(method, path, body, key = adminKey, headers = {}) {
      const res = await fetch(`http://127.0.0.1:${ports.api}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.text()
      let parsed: unknown = text
      try {
        parsed = JSON.parse(text)
      } catch {
        // not JSON (CSV, HTML): the text itself
      }
      return { status: res.status, body: parsed }
    },
    async stop(timeoutMs = 60_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode
      proc.kill('SIGTERM')
      const timer = setTimeout(() => stack.kill(), timeoutMs)
      const code = await exited
      clearTimeout(timer)
      return code
    },
    kill() {
      if (!proc.pid) return
      for (const pid of [...descendants(proc.pid), proc.pid]) {
        try {
          process.kill(pid, 'SIGCONT') // a SIGSTOPped part would otherwise linger
          process.kill(pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
    },
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stack.kill()
      reject(new Error(`stack not ready in time:\n${out.slice(-3_000)}`))
    }, StartTimeoutMs)
    const check = setInterval(() => {
      if (out.includes('Local SMPP platform ready')) done(resolve)
    }, 100)
    const done = (f: () => void) => {
      clearInterval(check)
      clearTimeout(timer)
      f()
    }
    void exited.then((code) => done(() => reject(new Error(`stack exited (${code}) during start:\n${out.slice(-6_000)}`))))
  })
  await eventually('the API answers the admin key', async () => (await stack.api('GET', '/me')).status === 200, 30_000).catch((err) => {
    stack.kill()
    throw new Error(`${err}\n${out.slice(-6_000)}`)
  })
  return stack
}

/** Stops the stack with SIGTERM; a part left behind is killed and reported. */
export async function stopStack(stack: Stack | undefined): Promise<void> {
  if (!stack) return
  const pids = stack.descendants()
  await stack.stop().catch(() => stack.kill())
  const deadline = Date.now() + 20_000
  while (pids.some(alive) && Date.now() < deadline) await sleep(100)
  const left = pids.filter(alive)
  if (left.length) {
    const lines = left.map((p) => `${p} ${cmdline(p).slice(0, 120)}`).join('; ')
    stack.kill()
    for (const pid of left) process.kill(pid, 'SIGKILL')
    throw new Error(`processes left behind after SIGTERM: ${lines}\n${stack.output().slice(-2_000)}`)
  }
}
