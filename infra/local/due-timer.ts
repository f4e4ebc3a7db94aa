/**
 * The local stand-in for the EventBridge rule that runs the due-time sweep on AWS (infra/cdk/due-sweep.ts): the same
 * handler module, called every `intervalMs` (DUE_SWEEP_MS, 1 s by default), one run at a time. Loaded by path, like
 * the other handlers (lambda-host.ts), so infra/ never imports handler code at build time.
 */
export const DueHandlerFile = '../../functions/due/handler.ts'

export interface DueTimer {
  stop(): Promise<void>
}

export async function startDueTimer(intervalMs: number, log: (msg: string) => void): Promise<DueTimer> {
  const mod = (await import(new URL(DueHandlerFile, import.meta.url).href)) as { handler?: () => Promise<unknown> }
  if (typeof mod.handler !== 'function') throw new Error(`${DueHandlerFile} exports no handler()`)
  const run = mod.handler
  let stopped = false
  let running: Promise<void> = Promise.resolve()
  let timer: NodeJS.Timeout | undefined
  const tick = () => {
    running = run()
      .then(() => undefined)
      .catch((err: unknown) => log(`due sweep failed: ${err instanceof Error ? err.message : err}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs)
      })
  }
  tick()
  return {
    stop: async () => {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
