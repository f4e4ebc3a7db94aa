import type { AnswerRecord, NodeEntry } from '../../domain/adoption'
import type { Fingerprints, NodeRegistry } from '../../ports'
import { copy, type MemoryState } from './state'

/** The node registry in memory, as dynamoNodes: a dead entry stays dead. */
export function memoryNodes(): NodeRegistry {
  const entries = new Map<string, NodeEntry>()
  const records = new Map<string, AnswerRecord>() // apart from the entries, as in dynamoNodes
  const record = (incarnation: string, answers: AnswerRecord) => {
    if ((records.get(incarnation)?.atMs ?? -1) < answers.atMs) records.set(incarnation, copy(answers))
  }
  const markDead = (incarnation: string, atMs: number) => {
    const e = entries.get(incarnation)
    if (e && e.diedAtMs === undefined) e.diedAtMs = atMs
  }
  return {
    async beat(entry) {
      if (entries.get(entry.incarnation)?.diedAtMs !== undefined) return
      entries.set(entry.incarnation, copy(entry))
    },
    async answered(incarnation, answers) {
      record(incarnation, answers)
    },
    async answerRecords(incarnations) {
      return new Map(incarnations.flatMap((i) => (records.has(i) ? [[i, copy(records.get(i)!)] as const] : [])))
    },
    async supersede(nodeId, incarnation, atMs) {
      const older = [...entries.values()].filter((e) => e.nodeId === nodeId && e.incarnation !== incarnation && e.diedAtMs === undefined)
      for (const e of older) markDead(e.incarnation, atMs)
      return older.map(copy)
    },
    async retire(incarnation, atMs, answers) {
      if (answers) record(incarnation, answers)
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
