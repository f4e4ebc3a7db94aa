import { randomBytes } from 'node:crypto'
import type { Quotas } from '../../ports/quotas'

/** Quotas in maps, with the DynamoDB adapter's semantics (lib/ports/contract/quotas.contract.ts). */
export function memoryQuotas(): Quotas {
  const windows = new Map<string, { used: number; untilMs: number }>()
  const blocks = new Map<string, { next: number; salt: string }>()
  return {
    async take(key, want, limit, untilMs, nowMs) {
      const w = windows.get(key)
      const live = w !== undefined && w.untilMs > nowMs ? w : { used: 0, untilMs }
      const granted = Math.max(0, Math.min(want, limit - live.used))
      windows.set(key, { used: live.used + granted, untilMs: live.untilMs })
      return granted
    },
    async giveBack(key, amount, nowMs) {
      const w = windows.get(key)
      if (w !== undefined && w.untilMs > nowMs) w.used = Math.max(0, w.used - amount)
    },
    async block(key, size) {
      const b = blocks.get(key) ?? { next: 0, salt: randomBytes(16).toString('hex') }
      blocks.set(key, { next: b.next + size, salt: b.salt })
      return { start: b.next, salt: b.salt }
    },
  }
}
