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
 * Preloaded into every child: when the stack's process dies without stopping it (SIGKILL; the tsx CLI sends one
 * when its child does not acknowledge a relayed signal within 30 ms, which happens on a loaded machine), the IPC
 * channel closes and the child stops itself as if it got SIGTERM, instead of living on as an orphan with ports
 * held. The channel is unref'd so it never keeps a child alive.
 */
const OrphanGuard = `data:text/javascript,${encodeURIComponent(
  "process.channel?.unref(); process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'))",
)}`

/**
 * A TypeScript entry point as its own Node process (`node --import tsx file`), the way the Lambda runtime and
 * the Fargate task run them: separate processes with their own env. Output lines are prefixed with the name.
 */
export function startChild(name: string, file: string, env: Record<string, string>, args: string[] = []): Child {
  // LOCAL_CHILD_NODE_ARGS: extra node flags for every child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile
  // the stack's processes under load (docs/PERFORMANCE.md); NODE_OPTIONS refuses --cpu-prof.
  const extra = (env.LOCAL_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const proc = spawn(process.execPath, [...extra, '--import', 'tsx', '--import', OrphanGuard, file, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
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
