import { FinalStates } from '../../domain/model'
import type { EffectStore, OnceEffect, OnceOutcome } from '../../ports'
import { Sk } from '../keys'
import { addUsage } from './ledger'
import { copy, type MemoryState, nowSec, partition, storedPending } from './state'

/**
 * EffectStore in memory: each effect's marker, pending item and usage row applied together, with no await in
 * between (state.ts: that is what makes an operation atomic here), under the same conditions as dynamoEffects.
 */
export function memoryEffects(state: MemoryState): EffectStore {
  const apply = (e: OnceEffect): OnceOutcome => {
    const { once } = e
    if (once.kind === 'state') {
      const m = state.messages.get(once.messageId)
      if (!m || !once.from.includes(m.state)) return { outcome: 'already' }
      for (const [k, v] of Object.entries(once.patch)) if (v !== undefined) (m as unknown as Record<string, unknown>)[k] = copy(v)
      if (FinalStates.has(once.to)) delete m.dueAt
      m.state = once.to
    } else {
      const g = state.guards.get(once.key)
      if (g && g.expiresAt >= nowSec(state)) return { outcome: 'already' }
      state.guards.set(once.key, { expiresAt: once.expiresAt, done: true })
    }
    if (e.usage) addUsage(state, e.usage)
    if (!e.pending) return { outcome: 'done' }
    const sk = Sk.pending(e.pending.createdAt, e.pending.deliveryId)
    partition(state.pending, e.pending.accountId).set(sk, storedPending(e.pending, sk))
    return { outcome: 'done', pendingSk: sk }
  }
  return {
    async commit(effects) {
      return effects.map(apply)
    },
  }
}
