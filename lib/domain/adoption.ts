import type { SubmitJob } from './jobs'
import type { FingerprintOwner, NodeEntry } from './model'

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

export type { FingerprintOwner, NodeEntry } from './model'

/** Missed beats before a silent node counts as dead. */
export const MissedBeats = 3

export const isDead = (e: NodeEntry, nowMs: number): boolean => e.diedAtMs !== undefined || e.aliveUntilMs < nowMs

/** The incarnations known dead at `nowMs` (only these can leave messages unanswered). */
export const deadIncarnations = (entries: readonly NodeEntry[], nowMs: number): Set<string> =>
  new Set(entries.filter((e) => isDead(e, nowMs)).map((e) => e.incarnation))

/**
 * An incarnation that is not in the registry at all is dead too: its entry expired (TTL) or was never
 * written. Only a listed, beating incarnation is alive.
 */
export const isLive = (entries: readonly NodeEntry[], incarnation: string, nowMs: number): boolean =>
  entries.some((e) => e.incarnation === incarnation && !isDead(e, nowMs))

/** Only a client waiting for its submit_sm_resp can be left without one: sync submit_sm and data_sm. */
export const canAdopt = (job: Pick<SubmitJob, 'async' | 'command' | 'destinations'>): boolean =>
  !job.async && job.command !== 'submit_multi' && job.destinations.length === 1

/**
 * The message id a re-send adopts, or undefined: the fingerprint of an earlier message with the same
 * account, destination and content (the key), the same source and registered_delivery, accepted within
 * the window, and owned by a node that is no longer alive to answer it.
 */
export function adoptedId(
  job: Pick<SubmitJob, 'messageId' | 'sourceAddr' | 'registeredDelivery' | 'async' | 'command' | 'destinations'>,
  owner: FingerprintOwner | undefined,
  nodes: readonly NodeEntry[],
  nowMs: number,
): string | undefined {
  if (!owner || !canAdopt(job) || owner.messageId === job.messageId) return undefined
  if (owner.sourceAddr !== job.sourceAddr || owner.registeredDelivery !== job.registeredDelivery) return undefined
  if (owner.chargedAt + AdoptionWindowSec < Math.floor(nowMs / 1000)) return undefined
  return isLive(nodes, owner.incarnation, nowMs) ? undefined : owner.messageId
}
