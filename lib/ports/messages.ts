import type { MessageRecord, MessageStateName } from '../domain/model'
import type { Page } from './accounts'

export type AmendPatch = Partial<
  Pick<
    MessageRecord,
    | 'dueAt'
    | 'scheduledAt'
    | 'validUntil'
    | 'deferred'
    | 'adjust'
    | 'replaced'
    | 'text'
    | 'registeredDelivery'
    | 'dataCoding'
    | 'parts'
    | 'price'
    | 'cost'
  >
>
export interface AmendCondition {
  states: readonly MessageStateName[]
  replaced?: number
  cost?: number
}

/** What taking the dispatch lease found (MessageStore.leaseDispatch). */
export type DispatchLease =
  | { outcome: 'taken'; record: MessageRecord }
  /** ACCEPTED, under an unexpired lease of the same or a later attempt: another run may be sending it. */
  | { outcome: 'held' }
  /** Not ACCEPTED (cancelled, expired, given up, already sent), a decision-only key, or no message at all. */
  | { outcome: 'not-accepted'; record?: MessageRecord }

export interface MessageStore {
  get(messageId: string): Promise<MessageRecord | undefined>
  byUpstreamId(upstreamId: string, upstreamMessageId: string): Promise<MessageRecord | undefined>
  /**
   * Move the state once: applied only if the current state is one of `from` (a conditional update), so
   * duplicate and out-of-order receipts are harmless. Returns the updated record, or undefined when the
   * condition failed or the message does not exist.
   */
  transition(
    messageId: string,
    from: readonly MessageStateName[],
    to: MessageStateName,
    patch?: Partial<Pick<MessageRecord, 'doneAt' | 'errorCode' | 'upstreamId' | 'upstreamMessageId' | 'refunded' | 'dueAt'>>,
    /** indexUpstream false: the patch's upstream ids are kept on the record, not made a byUpstreamId key (Upstream.echoesMessageId). */
    opts?: { indexUpstream?: boolean },
  ): Promise<MessageRecord | undefined>
  /**
   * The due-time sweep's read (lib/domain/due.ts): records whose dueAt is at or before `nowIso`, at most `limit`.
   * A move to a final state takes the record out of this index unless the patch keeps a dueAt (its settle is due).
   */
  due(nowIso: string, limit: number): Promise<MessageRecord[]>
  /**
   * Set the fields of `patch`, and remove those given as undefined, only while the state is one of `when.states`
   * and, when given, `replaced` (0 = never replaced) and `cost` still match: replace_sm and the sweep's bookkeeping.
   */
  amend(messageId: string, patch: AmendPatch, when: AmendCondition): Promise<MessageRecord | undefined>
  /**
   * Dispatch's once-only guard, kept on the record (issue 12: one conditional write, no guard item and no read of
   * its own): a lease of attempt `attempt` until `untilSec` (epoch seconds), taken only while the state is ACCEPTED
   * and no lease of this attempt or a later one holds beyond `nowSec`. A state move away from ACCEPTED ends it.
   */
  leaseDispatch(messageId: string, attempt: number, untilSec: number, nowSec: number): Promise<DispatchLease>
  /** Gives the lease of `attempt` back (nothing reached a carrier); a later attempt's lease is left alone. */
  releaseDispatch(messageId: string, attempt: number): Promise<void>
  /** Record which upstream took the message and under which id (for receipts that carry only theirs). */
  setUpstream(messageId: string, upstreamId: string, upstreamMessageId: string): Promise<void>
  listByAccount(accountId: string, fromIso: string, toIso: string, limit: number, cursor?: string): Promise<Page<MessageRecord>>
}
