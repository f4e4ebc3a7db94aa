import type { AccountStore } from './accounts'
import type { CompatStore } from './compat'
import type { EffectStore } from './effects'
import type { Guards } from './guards'
import type { Ledger } from './ledger'
import type { MessageStore } from './messages'
import type { Fingerprints, NodeRegistry } from './nodes'
import type { PendingStore } from './pending'
import type { Quotas } from './quotas'
import type { ReferenceStore } from './reference'
import type { SessionRegistry } from './sessions'
import type { Strikes } from './strikes'
import type { UsageStore } from './usage'
import type { WebhookStore } from './webhooks'

export type { AccountStore, Page } from './accounts'
export type { CompatStore } from './compat'
export type { Connector, SendResult } from './connector'
export type { EffectStore, OnceEffect, OnceMarker, OnceOutcome } from './effects'
export type { GuardClaim, Guards } from './guards'
export type { Charge, ChargeResult, Decision, Ledger, Refund } from './ledger'
export { chargeLine } from './ledger'
export type { Log } from './log'
export type { AmendCondition, AmendPatch, DispatchLease, MessageStore } from './messages'
export type { Fingerprints, NodeRegistry } from './nodes'
export type { PendingStore } from './pending'
export { BatchSendFailure, bodyText, JsonBody, type QueueConsumer, QueueGone, type QueueSender, type ReceivedMessage } from './queue'
export type { Quotas } from './quotas'
export type { ReferenceStore } from './reference'
export type { SessionRegistry } from './sessions'
export type { Strikes } from './strikes'
export type { UsageStore } from './usage'
export { type MoPart, PartPrefix, type WebhookAttempt, type WebhookEvent, type WebhookStore } from './webhooks'

/**
 * Every store the runtimes use, built in one place per runtime: `dynamoStores(db, cfg.tables)` on AWS
 * and locally, `memoryStores()` in pure tests. The memory stores share state the way the tables do
 * (a charge moves the balance, the message, the usage and the ledger together).
 */
export interface Stores {
  accounts: AccountStore
  reference: ReferenceStore
  messages: MessageStore
  ledger: Ledger
  usage: UsageStore
  guards: Guards
  sessions: SessionRegistry
  pending: PendingStore
  /** Effects committed with their once-only marker (issue 13 item 9: exactly once, lib/ports/effects.ts). */
  effects: EffectStore
  /** Failed-bind counters shared by every node (guards table, pk STRIKE#...). */
  strikes: Strikes
  /** Throttle windows and message id blocks shared by every node (guards table, pk QUOTA#... / SEQ#...). */
  quotas: Quotas
  /** ESME sessions as the nodes observed them (issue 19: compatibility report). */
  compat: CompatStore
  /** Receipts and MO kept for accounts' webhooks. */
  webhooks: WebhookStore
  /** Issue 18: node processes alive or dead, and the owners of duplicate fingerprints (adoption). */
  nodes: NodeRegistry
  fingerprints: Fingerprints
}
