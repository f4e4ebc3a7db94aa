import type { LedgerEntry, MessageRecord, UsageRow } from '../domain/model'
import type { Page } from './accounts'

/** The verdict once decided for a message id: 0 = accepted, else the command_status it was refused with. */
export interface Decision {
  messageId: string
  status: number
  decidedAt: string
}

export interface Charge {
  message: MessageRecord // state ACCEPTED, cost = parts x price
  entry: LedgerEntry // kind 'charge', amount = -cost
  /** Usage counter key and country; the adapter ADDs messages, parts, cost under status CHARGED. */
  usageDay: string
  /** Duplicate-window fingerprint, claimed in the same transaction; absent when the account has no window. */
  duplicate?: { key: string; expiresAt: number }
  decisionExpiresAt: number // epoch seconds (TTL of the decision guard)
}

export type ChargeResult =
  | { result: 'charged' }
  | { result: 'already-decided'; decision: Decision }
  | { result: 'insufficient-funds' }
  | { result: 'duplicate' }

export interface Refund {
  messageId: string
  entry: LedgerEntry // kind 'refund', amount = +cost
  usage: Omit<UsageRow, 'messages' | 'parts' | 'cost'> // refunds counted under status REFUNDED
}

export interface Ledger {
  decision(messageId: string): Promise<Decision | undefined>
  /**
   * Record a refusal (or the node's 0x0402 on deadline) once. First writer wins: returns 'recorded',
   * or the decision already there.
   */
  decide(decision: Decision, expiresAt: number): Promise<{ result: 'recorded' } | { result: 'already-decided'; decision: Decision }>
  /**
   * One DynamoDB transaction: the decision (attribute_not_exists), the balance (conditional on
   * balance + creditLimit >= cost), the message record, the usage counters, the ledger entry and the
   * duplicate fingerprint. Charge once, whatever SQS redelivers.
   */
  chargeOnce(charge: Charge): Promise<ChargeResult>
  /** Balance back, ledger entry, message marked refunded: once per message. */
  refundOnce(refund: Refund): Promise<'refunded' | 'already-refunded'>
  entries(accountId: string, fromIso: string, toIso: string, limit: number, cursor?: string): Promise<Page<LedgerEntry>>
}
