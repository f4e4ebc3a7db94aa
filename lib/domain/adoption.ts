import type { SubmitJob } from './jobs'
import type { AnswerRecord, FingerprintOwner, NodeEntry } from './model'

/**
 * Adoption of an unanswered message after a node crash (issue 18; docs/PIPELINE.md "A node that dies").
 *
 * A submit the pipeline accepted and charged while its node died has no submit_sm_resp: the ESME re-sends
 * it, as SMPP 3.4 (section 2.8, 3.1) lets a client do with any request it got no response for. That re-send
 * is the same message, so it is adopted: answered 0 with the original message_id, not charged, not sent
 * again; the original's receipt then reaches the client under the id it now holds.
 *
 * The match uses the duplicate fingerprint the charge transaction already writes (DUP#<account>#<dest>#hash,
 * lib/domain/charge.ts): it also names its owner (message id, source, registered_delivery, the node
 * incarnation that answers it) and lives at least `AdoptionWindowSec`.
 */

/** How long after its acceptance an unanswered message can be adopted by a re-send. */
export const AdoptionWindowSec = 300

export type { AnswerRecord, FingerprintOwner, NodeEntry } from './model'

/** Missed beats before a silent node counts as dead (for its pending claims, which a live node may still hold). */
export const MissedBeats = 3

/**
 * Issue 18, item 3: a process whose last beat is older than one beat and this margin (the beat's own write and
 * read under load) can no longer answer its waiting submits in time, so a re-send of one of them is adopted
 * without waiting the three beats that make it dead for its claims.
 */
export const SilenceMarginMs = 1_000

export const isDead = (e: NodeEntry, nowMs: number): boolean => e.diedAtMs !== undefined || e.aliveUntilMs < nowMs

/** The incarnations known dead at `nowMs` (only these can leave messages unanswered). */
export const deadIncarnations = (entries: readonly NodeEntry[], nowMs: number): Set<string> =>
  new Set(entries.filter((e) => isDead(e, nowMs)).map((e) => e.incarnation))

/** Silent for more than one beat and the margin (an entry without beatMs predates it: only isDead applies). */
export const isSilent = (e: NodeEntry, nowMs: number): boolean =>
  e.beatMs !== undefined && nowMs > e.aliveUntilMs - (MissedBeats - 1) * e.beatMs + SilenceMarginMs

/**
 * Whether the process can no longer answer a submit it waits for: dead, silent, or not in the registry at all
 * (its entry expired, TTL, or was never written). Only a listed, recently beating incarnation still answers.
 */
export const cannotAnswer = (e: NodeEntry | undefined, nowMs: number): boolean => e === undefined || isDead(e, nowMs) || isSilent(e, nowMs)

/**
 * Issue 18, item 1: the owner's node recorded that it answered it: received before the record's time and not
 * among its unsure ids. Without a record, or for an owner written before records existed, nothing is known.
 */
export function wasAnswered(owner: FingerprintOwner, answers: AnswerRecord | undefined): boolean {
  if (answers === undefined || owner.receivedAtMs === undefined) return false
  return owner.receivedAtMs < answers.atMs && !answers.unsure.includes(owner.messageId)
}

/** Only a client waiting for its submit_sm_resp can be left without one: sync submit_sm and data_sm. */
export const canAdopt = (job: Pick<SubmitJob, 'async' | 'command' | 'destinations'>): boolean =>
  !job.async && job.command !== 'submit_multi' && job.destinations.length === 1

/**
 * The message id a re-send adopts, or undefined: the fingerprint of an earlier message with the same
 * account, destination and content (the key), the same source and registered_delivery, accepted within
 * the window, owned by a node that can no longer answer it, and not recorded as answered by that node
 * (an answered message sent again is a new message, or a duplicate by the account's window).
 */
export function adoptedId(
  job: Pick<SubmitJob, 'messageId' | 'sourceAddr' | 'registeredDelivery' | 'async' | 'command' | 'destinations'>,
  owner: FingerprintOwner | undefined,
  nodes: readonly NodeEntry[],
  nowMs: number,
  records: ReadonlyMap<string, AnswerRecord> = new Map(),
): string | undefined {
  if (!owner || !canAdopt(job) || owner.messageId === job.messageId) return undefined
  if (owner.sourceAddr !== job.sourceAddr || owner.registeredDelivery !== job.registeredDelivery) return undefined
  if (owner.chargedAt + AdoptionWindowSec < Math.floor(nowMs / 1000)) return undefined
  const entry = nodes.find((e) => e.incarnation === owner.incarnation)
  if (!cannotAnswer(entry, nowMs) || wasAnswered(owner, records.get(owner.incarnation))) return undefined
  return owner.messageId
}
