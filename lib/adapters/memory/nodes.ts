import type { NodeEntry } from '../../domain/adoption'
import type { Fingerprints, NodeRegistry } from '../../ports'
import { copy, type MemoryState } from './state'

/** The node registry in memory, as dynamoNodes: a dead entry stays dead. */
export function memoryNodes(): NodeRegistry {
  const entries = new Map<string, NodeEntry>()
  const markDead = (incarnation: string, atMs: number) => {
    const e = entries.get(incarnation)
    if (e && e.diedAtMs === undefined) e.diedAtMs = atMs
  }
  return {
    async beat(entry) {
      const known = entries.get(entry.incarnation)
      if (known?.diedAtMs !== undefined) return
      // As the Dynamo update: the beat keeps the answer record written between beats.
      entries.set(entry.incarnation, { ...copy(entry), ...(known?.answers && { answers: known.answers }) })
    },
    async answered(incarnation, answers) {
      const e = entries.get(incarnation)
      if (e && e.diedAtMs === undefined) e.answers = copy(answers)
    },
    async supersede(nodeId, incarnation, atMs) {
      const older = [...entries.values()].filter((e) => e.nodeId === nodeId && e.incarnation !== incarnation && e.diedAtMs === undefined)
      for (const e of older) markDead(e.incarnation, atMs)
      return older.map(copy)
    },
    async retire(incarnation, atMs, answers) {
      const e = entries.get(incarnation)
      if (answers && e && e.diedAtMs === undefined) e.answers = copy(answers)
      markDead(incarnation, atMs)
    },
    async list() {
      return [...entries.values()].map(copy)
    },
  }
}

export const memoryFingerprints = (state: MemoryState): Fingerprints => ({
  async owners(keys) {
    const found = new Map()
    for (const k of keys) {
      const owner = state.guards.get(k)?.owner
      if (owner) found.set(k, copy(owner))
    }
    return found
  },
})
