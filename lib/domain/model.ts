import type { z } from 'zod'
import type { DispatchJob } from './jobs'
import type { MessageIdFormat } from './message-id-format'
import type { DeliverPayloadSchema } from './parse'
import type { ThrottleLimits } from './throttle-limits'

/**
 * The platform's entities as the domain sees them. Money is always an integer count of minor units
 * (cents) of the account's currency: never a float.
 */

export type RefusalMode = 'sync' | 'async'

export interface Account {
  accountId: string // = SMPP system_id
  passwordHash: string // scrypt, see lib/domain/password.ts
  enabled: boolean
  currency: string
  balance: number // minor units
  creditLimit: number // minor units the balance may go below zero
  speed: number // message parts per second, across all nodes
  sessionLimit: number
  allowList: string[] // CIDRs or addresses; empty = any
  duplicateWindowSec: number // 0 = no duplicate check
  refusalMode: RefusalMode
  tariffPlan: string // tariffs and routes are looked up under this plan (default: the accountId)
  refundOnFailure: boolean // refund the charge when a message ends UNDELIVERABLE / REJECTED / EXPIRED
  /** validity_period when the client sends none, and the most it may ask for (seconds; lib/domain/deferral.ts). */
  validityDefaultSec?: number
  validityMaxSec?: number
  messageIdFormat?: MessageIdFormat // the message_id the account sees (message-id-format.ts); absent = opaque
  throttle?: ThrottleLimits // windows of a minute / hour / day, burst, in-flight per prefix (throttle-limits.ts)
  /** Test access (issue 19, lib/domain/sandbox.ts): every message goes to the sandbox upstream; its balance is test credit. */
  sandbox?: boolean
  createdAt: string
  /** Receipts and MO are POSTed here instead of waiting for an SMPP receiver (lib/domain/webhook-event.ts). */
  webhookUrl?: string
  /** HMAC-SHA256 key of the webhook signature; shown to the operator once, when the URL is set. */
  webhookSecret?: string
}

/**
 * SMPP 3.4 section 5.2.28 message_state, as the platform stores it; SCHEDULED (SMPP 5.0's name) is a charged
 * message waiting for its schedule_delivery_time, which 3.4 clients see as ENROUTE.
 */
export type MessageStateName =
  | 'SCHEDULED'
  | 'ENROUTE'
  | 'DELIVERED'
  | 'EXPIRED'
  | 'DELETED'
  | 'UNDELIVERABLE'
  | 'ACCEPTED'
  | 'UNKNOWN'
  | 'REJECTED'

export const FinalStates: ReadonlySet<MessageStateName> = new Set([
  'DELIVERED',
  'EXPIRED',
  'DELETED',
  'UNDELIVERABLE',
  'REJECTED',
  'UNKNOWN',
])

export interface Tariff {
  plan: string
  prefix: string // '' = catch-all
  price: number // minor units per part
  currency: string
  country?: string
}

export interface RouteUpstream {
  upstreamId: string
  priority: number // lower first; the next one is the failover
}

export interface Route {
  plan: string // '*' = platform default
  prefix: string
  upstreams: RouteUpstream[]
}

export type UpstreamKind = 'http' | 'smpp'

export interface Upstream {
  upstreamId: string
  kind: UpstreamKind
  /** http: the URL messages are POSTed to (the carrier simulator locally). */
  url?: string
  /** Name of the secret (Secrets Manager / SSM on AWS, env locally) holding credentials; never the secret itself. */
  secretRef?: string
  timeoutMs: number
  /** smpp connector settings (issue 9), kept as data. */
  smpp?: Record<string, unknown>
  /**
   * Issue 17: National Language Identifiers (TS 23.038 6.2.1.2.4) whose shift tables this carrier's handsets accept; a
   * UCS2 text that fits one is re-encoded towards it (lib/domain/shift-reencode.ts). None by default.
   */
  shiftTables?: number[]
  /**
   * Issue 12 (cost): every receipt this carrier sends carries our messageId (the HTTP contract's `messageId`; the
   * local simulator's do), so its messages are not indexed by the carrier's id (byUpstreamId): the ENROUTE write costs
   * 1 write unit instead of 2. A receipt from it with only its own id then finds no message (retried, then the DLQ).
   */
  echoesMessageId?: boolean
}

export interface UpstreamTariff {
  upstreamId: string
  prefix: string
  cost: number // minor units per part
  currency: string
}

export type BlacklistScope = 'sender' | 'recipient' | 'both'

export interface BlacklistEntry {
  owner: string // accountId or '*' (platform)
  number: string
  scope: BlacklistScope
}

export interface MessageRecord {
  messageId: string
  accountId: string
  state: MessageStateName
  sourceAddr: string
  destinationAddr: string
  dataCoding: number
  esmClass: number
  registeredDelivery: number
  parts: number
  price: number // per part, minor units
  cost: number // parts x price
  /** Issue 17: UCS2 parts minus the parts billed, for a text re-encoded with national shift tables; absent = 0. */
  partsSaved?: number
  currency: string
  tariffPrefix: string
  country?: string
  upstreamId?: string
  upstreamMessageId?: string
  errorCode: number // err: in receipts; 0 while fine
  createdAt: string // ISO
  doneAt?: string
  refunded: boolean
  text: string // first 20 characters, for the receipt's text: field
  validUntil?: string // ISO: not delivered by then, it ends EXPIRED (validity_period, section 5.2.16)
  scheduledAt?: string // ISO: schedule_delivery_time (section 5.2.15); SCHEDULED until then
  /** ISO: when the due-time sweep next looks at the message (the byDue index; lib/domain/due.ts). */
  dueAt?: string
  /** A scheduled message's dispatch job, sent when its time comes (replace_sm rewrites it). */
  deferred?: DispatchJob
  /** A replace_sm's difference still to charge (positive) or refund (negative): minor units and parts. */
  adjust?: { cost: number; parts: number }
  /** service_type of the submit, when set: cancel_sm may name messages by it (section 4.9). */
  serviceType?: string
  /** replace_sm count: names each difference's ledger line once. */
  replaced?: number
  /**
   * Issue 13 item 9: the state whose usage row and stored receipt were committed with the state move itself
   * (lib/domain/settle-once.ts); `receiptLeft`: the receipt went to a webhook, guarded apart (lib/domain/settle.ts).
   */
  settledOnce?: { state: MessageStateName; receiptLeft?: boolean }
}

/**
 * A number (long number, short code) whose MO messages go to an account. `upstreams`: the carriers that may deliver
 * MO to it besides those of the route to it (issue 13 leftover, lib/domain/mo-routing.ts).
 */
export interface MoNumber {
  msisdn: string
  accountId: string
  upstreams?: string[]
}

/** A receipt or MO waiting to go out as deliver_sm to a receiver session of the account. */
export interface PendingDelivery {
  accountId: string
  deliveryId: string
  createdAt: string
  validUntil: string
  deliver: DeliverPayload
  /**
   * Issue 12: stored already claimed for the node process the DLR function nudges (`by` its incarnation, until
   * `untilMs`, epoch ms), so that node sends it without a claim request of its own; any other node or a drain
   * sees it claimed, as if that node had claimed it (smpp-node/bridge/delivery.ts).
   */
  claim?: { by: string; untilMs: number }
}

/** The fields of the deliver_sm the node sends (binary fields base64): parse.ts declares them. */
export type DeliverPayload = z.infer<typeof DeliverPayloadSchema>

export type BindType = 'transmitter' | 'receiver' | 'transceiver'

export interface SessionEntry {
  accountId: string
  nodeId: string
  sessionId: string
  bindType: BindType
  callbackQueueUrl: string
  boundAt: string
  expiresAt: number // epoch seconds
  /** The node process holding the session (`<nodeId>#<nonce>`): the one a stored delivery is claimed for. */
  incarnation?: string
}

export type LedgerKind = 'charge' | 'refund' | 'topup' | 'adjustment'

export interface LedgerEntry {
  accountId: string
  entryId: string
  at: string // ISO
  kind: LedgerKind
  amount: number // signed minor units: charges negative, refunds and top-ups positive
  messageId?: string
  /** A batch charge line: every message it charged (the audit trail from money to messages). */
  messageIds?: string[]
  note?: string
}

export interface UsageRow {
  accountId: string
  day: string // YYYY-MM-DD (UTC)
  prefix: string
  country?: string
  status: string // CHARGED, DELIVERED, UNDELIVERABLE, ... , REFUNDED
  messages: number
  parts: number
  cost: number
  refunds: number
  /** Issue 17: parts the ESME's UCS2 would have cost minus the parts billed (CHARGED rows); absent = 0. */
  partsSaved?: number
}

/** account: its own data only; upstream: only the receipts webhook of its own upstream (a carrier's key). */
export type ApiRole = 'admin' | 'finance' | 'account' | 'upstream'

export interface ApiKey {
  keyHash: string // sha256 hex of the key
  role: ApiRole
  accountId?: string // for the account role
  upstreamId?: string // for the upstream role
  name: string
  createdAt: string
}

// Issue 18 (lib/domain/adoption.ts): the types the node registry and the fingerprint store keep.
/** Who a fingerprint belongs to: enough to tell a re-send of it from another message with the same text. */
export interface FingerprintOwner {
  messageId: string
  sourceAddr: string
  registeredDelivery: number
  /** The node process (node id and a per-process nonce) that waits to answer it. */
  incarnation: string
  /** Epoch seconds of the acceptance. */
  chargedAt: number
  /** Epoch ms the node received the submit (its clock, as its answer record's atMs); absent before the answer record. */
  receivedAtMs?: number
}

/**
 * What a node process proves it answered (issue 18): every submit it received before `atMs` was answered
 * (its submit_sm_resp written at least one flush earlier), except the message ids in `unsure`.
 */
export interface AnswerRecord {
  atMs: number
  unsure: string[]
}

/** A node process in the node registry: alive while it beats; a drained, superseded or silent one is dead. */
export interface NodeEntry {
  nodeId: string
  incarnation: string
  callbackQueueUrl: string
  /** Epoch ms until which the last beat vouches for it. */
  aliveUntilMs: number
  /** Epoch ms it was known to stop: drained, or replaced by a new process with the same node id. */
  diedAtMs?: number
  /** The beat interval: a process silent for more than one beat (and a margin) can no longer answer in time. */
  beatMs?: number
}
