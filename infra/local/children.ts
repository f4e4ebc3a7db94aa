import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface Child {
  name: string
  proc: ChildProcess
  exited: Promise<number | null>
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs: number): Promise<void>
}

/**
 * A TypeScript entry point as its own Node process (`node --import tsx file`), the way the Lambda runtime and
 * the Fargate task run them: separate processes with their own env. Output lines are prefixed with the name.
 */
export function startChild(name: string, file: string, env: Record<string, string>, args: string[] = []): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', file, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  for (const stream of [proc.stdout, proc.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => process.stderr.write(`[${name}] ${line}\n`))
  }
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))))
  let gone = false
  void exited.then(() => {
    gone = true
  })
  return {
    name,
    proc,
    exited,
    async stop(graceMs) {
      if (gone) return
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
  }
}
