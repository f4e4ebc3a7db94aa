import type { MessageRecord, MessageStateName, PendingDelivery, UsageRow } from '../domain/model'

/**
 * What makes an effect once-only (issue 13 item 9), committed in the same write as the effect itself:
 * - `state`: the message's state move (conditional on `from`, as MessageStore.transition). A state is entered at
 *   most once (lib/domain/receipts.ts allowedFrom) and the record outlives every redelivery, so the move is the guard.
 * - `guard`: a guard key written as done until `expiresAt` (no lease, no confirm): free when absent or expired.
 */
export type OnceMarker =
  | {
      kind: 'state'
      messageId: string
      from: readonly MessageStateName[]
      to: MessageStateName
      patch: Partial<Pick<MessageRecord, 'doneAt' | 'errorCode' | 'settledOnce'>>
    }
  | { kind: 'guard'; key: string; expiresAt: number }

/** One event's effects: a pending receipt or MO to store, a usage row to add, and what makes them once-only. */
export interface OnceEffect {
  once: OnceMarker
  pending?: PendingDelivery
  usage?: UsageRow
}

/** `done`: committed now, the marker with its effects; `already`: the marker was there, nothing was written. */
export type OnceOutcome = { outcome: 'done'; pendingSk?: string } | { outcome: 'already' }

/**
 * Effects committed atomically with their once-only marker: a run that dies after the commit leaves the marker,
 * so the redelivery writes nothing again; one that dies before leaves nothing, so the redelivery writes it all.
 */
export interface EffectStore {
  /**
   * Each effect with its marker, all or nothing per effect; one call may share one transaction among its
   * effects (usage rows of one counter summed). An effect whose marker is there answers `already` and does not
   * stop the others.
   */
  commit(effects: readonly OnceEffect[]): Promise<OnceOutcome[]>
}
