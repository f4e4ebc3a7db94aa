import type { MessageRecord, MessageStateName } from '../domain/model'
import type { Page } from './accounts'

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
    patch?: Partial<Pick<MessageRecord, 'doneAt' | 'errorCode' | 'upstreamId' | 'upstreamMessageId' | 'refunded'>>,
  ): Promise<MessageRecord | undefined>
  /** Record which upstream took the message and under which id (for receipts that carry only theirs). */
  setUpstream(messageId: string, upstreamId: string, upstreamMessageId: string): Promise<void>
  listByAccount(accountId: string, fromIso: string, toIso: string, limit: number, cursor?: string): Promise<Page<MessageRecord>>
}
