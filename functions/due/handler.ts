import { loadConfig } from '../../lib/config'
import { type SweepCounts, sweepDue } from '../../lib/domain/due'
import { ExpirySweep, sweepExpiredCallbacks } from '../../lib/domain/pending-expiry'
import { MetricDimensions } from '../../lib/observability/names'
import { buildDeps } from '../wiring'

const deps = buildDeps(loadConfig('due')) // once per cold start: a bad env fails here, not mid-sweep

/** When this container last swept expired stored callbacks (lib/domain/pending-expiry.ts ExpirySweep.everyMs). */
let lastExpirySweep = 0

/** Passes one invocation may run when a backlog is due (each takes at most SweepLimit records per shard). */
export const MaxPasses = 20

/**
 * The due-time sweep (lib/domain/due.ts), invoked every minute by EventBridge on AWS and every DUE_SWEEP_MS by the
 * local stack (infra/local/due-timer.ts). Passes repeat while a pass found work, so a burst of scheduled messages
 * due at the same minute is released in one invocation; a pass that throws fails the invocation (its error
 * alarm), and the next minute's run takes over what was left due.
 */
export async function handler(): Promise<SweepCounts & { callbacksExpired?: number }> {
  // Stored receipts and MO past their validity: dropped and counted for the CallbacksExpired alarm (issue 13).
  let callbacksExpired = 0
  if (deps.now().getTime() - lastExpirySweep >= ExpirySweep.everyMs) {
    lastExpirySweep = deps.now().getTime()
    callbacksExpired = await sweepExpiredCallbacks(deps)
    deps.metrics?.flush({ [MetricDimensions.Function]: 'due' })
  }
  const total: SweepCounts & { callbacksExpired?: number } = callbacksExpired > 0 ? { callbacksExpired } : {}
  for (let pass = 0; pass < MaxPasses; pass++) {
    const counts = await sweepDue(deps)
    const entries = Object.entries(counts) as [keyof SweepCounts, number][]
    for (const [k, n] of entries) total[k] = (total[k] ?? 0) + n
    // Only steps that made progress call for another pass; failures wait for the next run.
    if (entries.every(([k]) => k === 'failed')) break
  }
  return total
}
