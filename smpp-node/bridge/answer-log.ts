import type { AnswerRecord } from '../../lib/domain/model'

/**
 * Past this many unsure ids a record is not written (about 40 kB of ids in the node's registry item): the
 * last record written stays true, and everything received after it counts as unanswered, the safe side.
 */
export const MaxUnsure = 2_000

/**
 * What this node process answered (issue 18, item 1), kept in memory and written to its node registry entry
 * by NodeLiveness once per flush, so the submit function adopts only re-sends of messages it never answered.
 *
 * A record at `atMs` lists as unsure every submit still waiting for its verdict, and those answered since
 * the previous record: a submit_sm_resp counts as answered only one flush after the node wrote it, time for
 * the bytes to leave the socket. Every other submit received before `atMs` was answered. A process that dies
 * between two records leaves everything received after its last one unsure, so nothing answered late is lost
 * track of; the record only ever narrows what is adopted.
 */
export class AnswerLog {
  private readonly open = new Set<string>()
  private recent = new Set<string>()
  private changed = false

  /** A sync submit now waits for its verdict (VerdictBook.wait). */
  opened(messageId: string): void {
    this.open.add(messageId)
    this.changed = true
  }

  /** Its submit_sm_resp was written (the verdict, or the deadline's answer). */
  answered(messageId: string): void {
    if (!this.open.delete(messageId)) return
    this.recent.add(messageId)
    this.changed = true
  }

  /**
   * The record as of `atMs`, or undefined when nothing changed since the last one (nothing to write) or it
   * would be too large. Taking it starts a new flush period.
   */
  take(atMs: number, force = false): AnswerRecord | undefined {
    if (!this.changed && !force) return undefined
    const unsure = [...this.open, ...this.recent]
    this.changed = this.recent.size > 0 // the ids answered in this period leave the next record
    this.recent = new Set()
    if (unsure.length > MaxUnsure) return undefined
    return { atMs, unsure }
  }
}
