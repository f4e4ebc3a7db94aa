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
  // The ids answered in this period; undefined once this period's record is past MaxUnsure (below).
  private recent: Set<string> | undefined = new Set()
  private answeredInPeriod = 0
  private changed = false

  /** A sync submit now waits for its verdict (VerdictBook.wait). */
  opened(messageId: string): void {
    this.open.add(messageId)
    this.changed = true
  }

  /** Its submit_sm_resp was written (the verdict, or the deadline's answer). */
  answered(messageId: string): void {
    if (!this.open.delete(messageId)) return
    this.answeredInPeriod++
    this.changed = true
    if (this.recent === undefined) return
    this.recent.add(messageId)
    // Within a period open + recent only grows (an answer moves an id from one to the other; ids are unique), so
    // once past MaxUnsure this period's record will not be written: its ids are not kept (issue 16: under load a
    // 200 ms period answers ~10,000 submits, a Set of them built only to be dropped).
    if (this.open.size + this.recent.size > MaxUnsure) this.recent = undefined
  }

  /**
   * The record as of `atMs`, or undefined when nothing changed since the last one (nothing to write) or it
   * would be too large. Taking it starts a new flush period.
   */
  take(atMs: number, force = false): AnswerRecord | undefined {
    if (!this.changed && !force) return undefined
    const recent = this.recent
    this.changed = this.answeredInPeriod > 0 // the ids answered in this period leave the next record
    this.recent = new Set()
    this.answeredInPeriod = 0
    if (recent === undefined || this.open.size + recent.size > MaxUnsure) return undefined
    return { atMs, unsure: [...this.open, ...recent] }
  }
}
