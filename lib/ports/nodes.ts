import type { AnswerRecord, FingerprintOwner, NodeEntry } from '../domain/model'

/**
 * The node processes (issue 18): each beats while it runs, is marked dead when it drains or a new process
 * with its node id starts, and counts as dead when its beats stop. Entries outlive their node by the
 * adoption window, so the submit function can tell a message whose node died from one still waiting.
 */
export interface NodeRegistry {
  beat(entry: NodeEntry): Promise<void>
  /** Every entry with this node id but another incarnation is marked dead at `atMs`; returns them. */
  supersede(nodeId: string, incarnation: string, atMs: number): Promise<NodeEntry[]>
  /** Marks it dead at `atMs`, with its last answer record when given (written first: a dead entry takes no more). */
  retire(incarnation: string, atMs: number, answers?: AnswerRecord): Promise<void>
  /** Writes the process's answer record (issue 18: what it proved answered); an older one never replaces a newer. */
  answered(incarnation: string, answers: AnswerRecord): Promise<void>
  /** The latest answer record of each process named that wrote one (kept apart from the entries `list` reads). */
  answerRecords(incarnations: string[]): Promise<Map<string, AnswerRecord>>
  list(): Promise<NodeEntry[]>
}

/** The owners the duplicate fingerprints name (written by the charge transaction), by fingerprint key. */
export interface Fingerprints {
  owners(keys: string[]): Promise<Map<string, FingerprintOwner>>
}
