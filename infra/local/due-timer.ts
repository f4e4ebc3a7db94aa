/**
 * The local stand-in for the EventBridge rule that runs the due-time sweep on AWS (infra/cdk/due-sweep.ts): the same
 * handler module, one run at a time. Loaded by path, like the other handlers (lambda-host.ts), so infra/ never
 * imports handler code at build time.
 *
 * Cadence: every `intervalMs` (DUE_SWEEP_MS, 1 s) while sweeps find work; after a sweep that found nothing the
 * wait doubles up to `idleMaxMs` (DUE_SWEEP_IDLE_MS, 8 s), and the first sweep that finds work again returns to
 * `intervalMs`. Each sweep is four byDue Queries; every second they were most of an idle stack's DynamoDB Local
 * load (docs/PERFORMANCE.md "Idle cost"). The idle bound stays far inside AWS's own one-minute schedule, so a
 * message is still never early and at most `idleMaxMs` late after a quiet spell (docs/PIPELINE.md "Times").
 */
export const DueHandlerFile = '../../functions/due/handler.ts'

export interface DueTimer {
  stop(): Promise<void>
}

export interface DueCadence {
  intervalMs: number
  idleMaxMs: number
}

/** The wait after a sweep: back to the base cadence when it found work, else twice the last wait up to the idle bound. */
export function nextWait(lastWaitMs: number, foundWork: boolean, c: DueCadence): number {
  if (foundWork) return c.intervalMs
  return Math.max(c.intervalMs, Math.min(c.idleMaxMs, lastWaitMs * 2))
}

/** A sweep's counts (functions/due/handler.ts): any count at all means it found due records (or expired callbacks). */
const foundWork = (counts: unknown) =>
  typeof counts === 'object' && counts !== null && Object.values(counts).some((n) => typeof n === 'number' && n > 0)

/** Runs `run` now and then on the cadence; a failed run counts as work (the next try comes soon). */
export function startSweeps(run: () => Promise<unknown>, cadence: DueCadence, log: (msg: string) => void): DueTimer {
  let stopped = false
  let running: Promise<void> = Promise.resolve()
  let timer: NodeJS.Timeout | undefined
  let wait = cadence.intervalMs / 2 // the first empty sweep keeps the base cadence, the next ones double it
  const tick = () => {
    running = run()
      .then(foundWork)
      .catch((err: unknown) => {
        log(`due sweep failed: ${err instanceof Error ? err.message : err}`)
        return true
      })
      .then((found) => {
        wait = nextWait(wait, found, cadence)
        if (!stopped) timer = setTimeout(tick, wait)
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

export async function startDueTimer(cadence: DueCadence, log: (msg: string) => void): Promise<DueTimer> {
  const mod = (await import(new URL(DueHandlerFile, import.meta.url).href)) as { handler?: () => Promise<unknown> }
  if (typeof mod.handler !== 'function') throw new Error(`${DueHandlerFile} exports no handler()`)
  return startSweeps(mod.handler, cadence, log)
}
