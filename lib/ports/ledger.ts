import type { FingerprintOwner, LedgerEntry, MessageRecord, UsageRow } from '../domain/model'
import type { Page } from './accounts'

/** The verdict once decided for a message id: 0 = accepted, else the command_status it was refused with. */
export interface Decision {
  messageId: string
  status: number
  decidedAt: string
  /** Issue 18: a re-send adopted as this earlier message id (answered 0 with it; nothing charged). */
  adoptedId?: string
}

export interface Charge {
  message: MessageRecord // state ACCEPTED, cost = parts x price
  entry: LedgerEntry // kind 'charge', amount = -cost
  /** Usage counter key and country; the adapter ADDs messages, parts, cost under status CHARGED. */
  usageDay: string
  /** Duplicate-window fingerprint, claimed in the same transaction; absent when the account has no window. */
  duplicate?: {
    key: string
    expiresAt: number // TTL, epoch seconds
    /** End of the duplicate window when the fingerprint outlives it for adoption (issue 18); else expiresAt. */
    dupUntil?: number
    owner?: FingerprintOwner
  }
  /** Epoch seconds: TTL of the decision where it is kept apart (memory); DynamoDB's record is the decision and keeps its own TTL. */
  decisionExpiresAt: number
}

/**
 * The one ledger line of charges committed together (both adapters write it): a single charge keeps
 * its own entry; a batch gets one line of the summed amount that lists every message it charged.
 */
export function chargeLine(charges: Charge[]): LedgerEntry {
  const [first] = charges
  if (charges.length === 1) return first.entry
  return {
    accountId: first.entry.accountId,
    entryId: `${first.entry.entryId}+${charges.length - 1}`,
    at: first.entry.at,
    kind: 'charge',
    amount: charges.reduce((sum, c) => sum + c.entry.amount, 0),
    messageIds: charges.map((c) => c.message.messageId),
  }
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
  /** Decisions already recorded for these ids (one BatchGetItem); missing ids are undecided. */
  decisions(messageIds: string[]): Promise<Map<string, Decision>>
  /** chargeBatch of one charge; its ledger entry is exactly `charge.entry`. */
  chargeOnce(charge: Charge): Promise<ChargeResult>
  /**
   * Charges several messages of ONE account, each at most once whatever SQS redelivers, and answers
   * each its own result in order. Every charged message gets its decision (status 0), its ACCEPTED
   * record and its duplicate fingerprint; the balance, the CHARGED usage counters and one ledger line
   * move by the SUM of the messages committed together (the line lists their messageIds). A message
   * is charged only while balance + creditLimit covers it, so a race for the last of a balance
   * charges exactly the covered messages. Precedence per message: earlier decision, duplicate
   * window, balance. Anything unexpected rejects, and what was not committed was not charged.
   */
  chargeBatch(charges: Charge[]): Promise<ChargeResult[]>
  /** Balance back, ledger entry, message marked refunded: once per message. */
  refundOnce(refund: Refund): Promise<'refunded' | 'already-refunded'>
  entries(accountId: string, fromIso: string, toIso: string, limit: number, cursor?: string): Promise<Page<LedgerEntry>>
}
