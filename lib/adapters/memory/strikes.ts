import type { Strikes } from '../../ports'

/** Strikes in a map, with the DynamoDB adapter's semantics (lib/ports/contract/strikes.contract.ts). */
export function memoryStrikes(): Strikes {
  const entries = new Map<string, { count: number; untilMs: number }>()
  const live = (key: string, nowMs: number) => {
    const e = entries.get(key)
    return e !== undefined && e.untilMs > nowMs ? e : undefined
  }
  return {
    async strike(key, nowMs, holdMs) {
      const count = (live(key, nowMs)?.count ?? 0) + 1
      entries.set(key, { count, untilMs: nowMs + holdMs(count) })
      return count
    },
    async forgive(key) {
      const e = entries.get(key)
      if (e !== undefined) e.count = Math.max(0, e.count - 1)
    },
    async count(key, nowMs) {
      return live(key, nowMs)?.count ?? 0
    },
    async remember(key, untilMs) {
      entries.set(key, { count: 1, untilMs })
    },
  }
}
