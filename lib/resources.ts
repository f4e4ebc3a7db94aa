/**
 * Tables and queues as plain data, read by both deployments: the CDK stacks (infra/cdk) and the
 * embedded local stack (infra/local). Physical names are `${prefix}-${name}`; the prefix is the stage
 * on AWS and a per-run prefix in tests, so suites never share state.
 *
 * Every hot-path read is a GetItem, a BatchGetItem or a Query on a key below; Scan is used only by
 * operator listings in the API (paginated, admin role), never per message.
 */

export type KeyType = 'S' | 'N'
export interface KeyDef {
  name: string
  type: KeyType
}
export interface IndexDef {
  name: string
  partitionKey: KeyDef
  sortKey?: KeyDef
}
/**
 * Every GSI holds keys only: an index projecting ALL is rewritten by every update of its item, so each state
 * change of a message cost 3 write units instead of 1 (measured, bench ddbWriteUnitsByOp, issue 12). Readers
 * of an index fetch the items by key (lib/adapters/dynamo/messages.ts).
 */
export const IndexProjection = 'KEYS_ONLY' as const
export interface TableDef {
  name: string
  partitionKey: KeyDef
  sortKey?: KeyDef
  /** Epoch seconds; DynamoDB deletes the item some time after, so readers also filter on it. */
  ttlAttribute?: string
  indexes?: readonly IndexDef[]
  /** Who reads what, with which key. */
  accessPatterns: readonly string[]
}

const s = (name: string): KeyDef => ({ name, type: 'S' })

export const Tables = {
  accounts: {
    name: 'accounts',
    partitionKey: s('accountId'),
    accessPatterns: [
      'node bind: GetItem accountId (= system_id) -> password hash, limits, allow-list, refusal mode',
      'submit: GetItem accountId -> duplicate window, tariff plan, refusal mode; charge: conditional UpdateItem on balance',
      'api: GetItem / PutItem / UpdateItem by accountId; list accounts: Scan (admin only, paginated)',
    ],
  },
  reference: {
    name: 'reference',
    partitionKey: s('pk'),
    sortKey: s('sk'),
    accessPatterns: [
      'tariff: pk TARIFF#<plan>, sk P#<prefix>; longest prefix = BatchGetItem of every prefix of the destination',
      'route: pk ROUTE#<plan>, sk P#<prefix>; longest prefix as above (plan "*" is the platform default)',
      'upstream: pk UPSTREAM, sk <upstreamId>; GetItem by id, Query to list',
      'upstream tariff: pk UPTARIFF#<upstreamId>, sk P#<prefix>; longest prefix as above',
      'blacklist: pk BLACKLIST#<accountId or *>, sk <number>; BatchGetItem of sender and recipient, account and platform',
      'stop words: pk STOPWORDS#<accountId or *>, sk <phrase, lower case>; Query per account and platform (submit keeps it while the rules version stays: functions/reference-cache.ts)',
      "rules' version: pk VERSION, sk rules -> v; ADD 1 after each tariff, route, upstream tariff, blacklist or stop-word write, consistent GetItem per submit invocation",
      'MO number: pk NUMBER, sk <msisdn> -> accountId; GetItem on each MO',
      'API key: pk APIKEY, sk <sha256 of key> -> role, accountId; GetItem per request',
    ],
  },
  messages: {
    name: 'messages',
    partitionKey: s('messageId'),
    ttlAttribute: 'expiresAt',
    indexes: [
      { name: 'byAccount', partitionKey: s('accountId'), sortKey: s('createdAt') },
      { name: 'byUpstreamId', partitionKey: s('upstreamKey') },
      // Sparse: only records with due work (a schedule, a validity, a cancel's settle); lib/adapters/dynamo/due.ts.
      { name: 'byDue', partitionKey: s('dueShard'), sortKey: s('dueAt') },
    ],
    accessPatterns: [
      'submit: Put (in the charge transaction, attribute_not_exists): the record is also the decision 0 of its id',
      // Issue 12 (cost): the one decision of a message id lives on its key here, not in guards (dynamo/decision-item.ts).
      'decision: refusals, the node and HTTP send 0x0402 at the deadline, adoptions put a decision-only item on the key (attribute_not_exists, first writer wins; no state, so no index holds it and no record read returns it; TTL expiresAt)',
      'submit / node / api: BatchGetItem or GetItem messageId (consistent, projected) -> the decision: a record = 0, else its verdict',
      'dispatch: conditional UpdateItem messageId (ACCEPTED, lease free) -> the dispatch lease, returning the record; then ENROUTE',
      'node query_sm / cancel_sm: GetItem messageId, conditional UpdateItem on state',
      'dlr: GetItem messageId, or Query byUpstreamId (<upstreamId>#<upstream message id>) when the upstream only knows its own id',
      "api: Query byAccount (accountId, createdAt range) for an account's messages",
      'due sweep: Query byDue (DUE#<0..3>, dueAt <= now) per shard, then BatchGetItem; conditional UpdateItem per record',
    ],
  },
  guards: {
    name: 'guards',
    partitionKey: s('pk'),
    ttlAttribute: 'expiresAt',
    accessPatterns: [
      // DECISION#<messageId> was the decision guard until issue 12's cost lane; old items only wait for their TTL.
      'duplicate window: pk DUP#<accountId>#<destination>#<sha256(text)>; conditional put, expires with the window',
      // DISPATCH#<messageId>#<attempt> was the dispatch lease until issue 12; it is on the messages item now.
      'receipt once: pk RECEIPT#<messageId>#<state>',
      'usage once per final state: pk USAGE#<messageId>#<state>; MO once: pk MO#<hash of the upstream event>',
      'bind limits (node): pk STRIKE#A#<address> / STRIKE#S#<system_id> / STRIKE#K#<system_id>#<address>; atomic ADD per bind',
      'throttle windows (node, issue 17): pk QUOTA#<accountId>#<window>#<start>; conditional ADD per block of parts, not per message',
      'decimal message ids (node): pk SEQ#ID#<accountId> -> next, salt; ADD per block of ids, no TTL',
    ],
  },
  ledger: {
    name: 'ledger',
    partitionKey: s('accountId'),
    sortKey: s('sk'),
    accessPatterns: [
      'charge/refund/top-up entries: pk accountId, sk <ISO time>#<entryId>; api Query by account and time range',
      'balance shards 1..n-1: pk <accountId>#BALANCE#<k>, sk BALANCE; BatchGetItem / TransactGetItems with the account item (docs/PIPELINE.md)',
    ],
  },
  usage: {
    name: 'usage',
    partitionKey: s('accountId'),
    sortKey: s('sk'),
    accessPatterns: [
      'counters: pk accountId, sk <YYYY-MM-DD>#<tariff prefix>#<status>[#<shard>]; atomic ADD when charged, refunded and finalised; shards summed on read',
      'api: Query by account with sk BETWEEN <from day> AND <to day>~ (a few items per day and destination)',
    ],
  },
  sessions: {
    name: 'sessions',
    partitionKey: s('accountId'),
    sortKey: s('sk'),
    ttlAttribute: 'expiresAt',
    accessPatterns: [
      'registry: pk accountId, sk <nodeId>#<sessionId> -> bind type, callback queue; refreshed by heartbeat, expires by TTL',
      'dlr: Query by account -> nodes holding a receiver session; node: Query by account -> share of the speed limit',
      'node registry (issue 18): pk #nodes, sk <incarnation> -> beat, death; Query by the submit function per batch and by each beat',
      'answer records (issue 18): pk #answers, sk <incarnation> -> what the process answered; put per flush, BatchGetItem by key after a crash',
    ],
  },
  pending: {
    name: 'pending',
    partitionKey: s('accountId'),
    sortKey: s('sk'),
    ttlAttribute: 'expiresAt',
    accessPatterns: [
      'store and forward: pk accountId, sk <ISO time>#<deliveryId>; Query in order on bind, conditional claim, Delete after deliver_sm_resp',
    ],
  },
  compat: {
    name: 'compat',
    partitionKey: s('accountId'),
    sortKey: s('sk'),
    ttlAttribute: 'expiresAt',
    accessPatterns: [
      'node: BatchWriteItem of every changed session each flush, pk accountId, sk <boundAt>#<nodeId>#<sessionId> -> the observation (issue 19)',
      'api compatibility report: Query by account, newest first, a page of sessions',
    ],
  },
  webhooks: {
    name: 'webhooks',
    partitionKey: s('accountId'),
    sortKey: s('eventId'),
    ttlAttribute: 'expiresAt',
    accessPatterns: [
      'webhook events (docs/API.md "Webhooks"): pk accountId, sk eventId (sha256 of the delivery id: the same receipt is one item);',
      'dlr/submit/dispatch: conditional Put once; webhook function: GetItem, UpdateItem attempts/deliveredAt; api: Query list, GetItem replay',
    ],
  },
} as const satisfies Record<string, TableDef>

export type TableName = keyof typeof Tables

export interface QueueDef {
  name: string
  /** Seconds; at least six times the consumer's timeout on AWS, or an in-flight batch is redelivered. */
  visibilityTimeoutSec: number
  /** Receives before SQS moves a message to the DLQ (`${name}-dlq`). */
  maxReceiveCount: number
  retentionSec: number
  /** Event source: records per batch and the batching window. */
  batchSize: number
  batchWindowSec: number
}

const days = (n: number) => n * 86_400

/**
 * How long one dispatch run may last (docs/PIPELINE.md, step 3): failover in process, up to `maxAttempts` sends,
 * each bounded by the upstream's timeoutMs (the API accepts at most `maxUpstreamTimeoutMs`), with 200, 400 and
 * 800 ms pauses between them, plus a margin for the DynamoDB writes around them. The dispatch function's timeout
 * is this; the dispatch queue's visibility timeout six times it (issue 15: a fixed 30 s was shorter than 4 x 60 s).
 * lib/domain/dispatch.ts DispatchPolicy must agree (its test checks).
 *
 * `localMaxUpstreamTimeoutMs` is the same bound for the local stack, whose carrier simulator answers in
 * milliseconds (its seeded upstream has this timeout): there the dispatch queue's visibility is derived from it
 * (`LocalQueues`), so a record a killed local Lambda host left in flight comes back after minutes, not 25.
 */
export const DispatchRun = {
  maxAttempts: 4,
  maxUpstreamTimeoutMs: 60_000,
  localMaxUpstreamTimeoutMs: 5_000,
  pausesMs: 1_400,
  marginSec: 5,
} as const
/** The longest a dispatch run to upstreams of at most `maxUpstreamTimeoutMs` may last, in seconds. */
export const dispatchTimeoutFor = (maxUpstreamTimeoutMs: number): number =>
  Math.ceil((DispatchRun.maxAttempts * maxUpstreamTimeoutMs + DispatchRun.pausesMs) / 1000) + DispatchRun.marginSec
/** The dispatch function's timeout on AWS: 247 s. */
export const dispatchTimeoutSec = dispatchTimeoutFor(DispatchRun.maxUpstreamTimeoutMs)
/**
 * The dispatch lease (on the message record) for a run to upstreams of at most `upstreamTimeoutMs`
 * (lib/domain/dispatch.ts): past the run's bound, rounded up to whole minutes (300 s for 60 s upstreams, 60 s for the simulator's 5 s), and so
 * below six times the bound, the visibility timeout a redelivery waits for, in both deployments.
 */
export const dispatchLeaseFor = (upstreamTimeoutMs: number): number => 60 * Math.ceil((dispatchTimeoutFor(upstreamTimeoutMs) + 1) / 60)

/**
 * Event-source batches (issue 12), the same on AWS (infra/cdk/queue-worker.ts) and locally (infra/local/event-source.ts):
 * - batchSize 10: the most one ReceiveMessage returns, and the most Lambda takes from SQS without a batching
 *   window. Under load every poll returns 10, so batches fill by themselves: one invocation, one
 *   DeleteMessageBatch and one ReceiveMessage per 10 messages and per function (0.1 invocation per message
 *   each, the figure bench/prices.ts prices).
 * - batchWindowSec 0: AWS counts the window in whole seconds, and a window waits at low load, where it saves
 *   little money in absolute terms. Each of these hops is on a latency target: the verdict (submit_sm_resp
 *   only once the charge is committed, p99 < 1 s) waits on submit; submit -> receipt (net p99 < 500 ms) on
 *   dispatch and receipts. A one-second window on any of them would miss its target at low load.
 */
export const Queues = {
  submit: { name: 'submit', visibilityTimeoutSec: 60, maxReceiveCount: 5, retentionSec: days(1), batchSize: 10, batchWindowSec: 0 },
  dispatch: {
    name: 'dispatch',
    visibilityTimeoutSec: 6 * dispatchTimeoutSec,
    maxReceiveCount: 5,
    retentionSec: days(4),
    batchSize: 10,
    batchWindowSec: 0,
  },
  receipts: { name: 'receipts', visibilityTimeoutSec: 60, maxReceiveCount: 5, retentionSec: days(4), batchSize: 10, batchWindowSec: 0 },
  /**
   * Receipts and MO for accounts with a webhook URL (lib/domain/webhook-event.ts). A failed POST is retried by the
   * queue: the function sets the record's visibility to the backoff of its receive count (webhookBackoffSec), so
   * maxReceiveCount covers a receiver down for about a day at the 1 h cap; an event past its validity is dropped.
   */
  webhook: { name: 'webhook', visibilityTimeoutSec: 60, maxReceiveCount: 40, retentionSec: days(4), batchSize: 10, batchWindowSec: 0 },
  // Messages for upstreams of kind 'smpp': consumed by the bind pool in the Fargate-side process, not a Lambda.
  upstream: { name: 'upstream', visibilityTimeoutSec: 60, maxReceiveCount: 5, retentionSec: days(4), batchSize: 10, batchWindowSec: 0 },
} as const satisfies Record<string, QueueDef>

export type QueueName = keyof typeof Queues

/**
 * The queues as the local stack (infra/local/provision.ts, and so the e2e stacks) creates them: the same, but the
 * dispatch queue's visibility derived from the local upstream bound (6 x 27 s = 162 s instead of 6 x 247 s).
 */
export const LocalQueues = {
  ...Queues,
  dispatch: { ...Queues.dispatch, visibilityTimeoutSec: 6 * dispatchTimeoutFor(DispatchRun.localMaxUpstreamTimeoutMs) },
} as const satisfies Record<QueueName, QueueDef>

/**
 * Each SMPP node owns one callback queue, `${prefix}-callback-<nodeId>`: verdicts for the submits it
 * posted and deliveries for its receiver sessions. Receipts are stored as pending items first, so a
 * callback queue lost with its node loses nothing (the next bind drains the pending table).
 */
export const CallbackQueue = {
  namePrefix: 'callback-',
  visibilityTimeoutSec: 30,
  maxReceiveCount: 10,
  retentionSec: days(1),
} as const

/** The stack's one DLQ for every node's callback queue (AWS), named outside CallbackQueue.namePrefix on purpose. */
export const CallbackDlqName = 'callbacks-dlq'

export const physicalName = (prefix: string, name: string) => `${prefix}-${name}`
export const dlqName = (name: string) => `${name}-dlq`
