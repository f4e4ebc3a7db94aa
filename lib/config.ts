import { type QueueName, Queues, type TableName, Tables } from './resources'
import { type QueuesOf, queuesOf, type Runtime, type TablesOf, tablesOf } from './runtimes'

/**
 * The one typed view of the environment. Each process calls `loadConfig()` once at start-up and passes
 * slices down; no other module reads `process.env`. Tests pass a plain object.
 */

/** Env var names, shared with infra/ (CDK sets them on functions and tasks, the local stack on processes). */
export const EnvKeys = {
  dynamoEndpoint: 'DYNAMO_ENDPOINT', // set only by the local stack
  sqsEndpoint: 'SQS_ENDPOINT', // set only by the local stack
  region: 'AWS_REGION',
  table: (t: TableName) => `TABLE_${t.toUpperCase()}`,
  queue: (q: QueueName) => `QUEUE_${q.toUpperCase()}_URL`,
  callbackQueuePrefix: 'CALLBACK_QUEUE_PREFIX', // physical name prefix for the nodes' callback queues
  callbackQueueUrl: 'CALLBACK_QUEUE_URL', // a node given its queue; otherwise it creates `${prefix}<nodeId>`
  nodeId: 'NODE_ID',
  /** Secrets Manager name prefix of upstream credentials (`<prefix>/upstream/`): set by CDK where upstreams are called. */
  upstreamSecretPrefix: 'UPSTREAM_SECRET_PREFIX',
  /**
   * An upstream's credential as an env var, by its `secretRef`: the ref upper-cased, anything but letters and digits
   * turned into `_` (`carrier-a` -> `SECRET_CARRIER_A`). Set locally by hand, on ECS from Secrets Manager at task start.
   */
  secret: (ref: string) => `SECRET_${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`,
  upstreamPool: 'UPSTREAM_POOL',
  /** PEM contents of the TLS certificate and key: on AWS injected by ECS from the stack's Secrets Manager secret. */
  tlsCertPem: 'SMPP_TLS_CERT',
  tlsKeyPem: 'SMPP_TLS_KEY',
  /** ARN of the stack's shared callback DLQ (AWS); unset locally, where each callback queue gets its own DLQ. */
  callbackDlqArn: 'CALLBACK_DLQ_ARN',
  metricsIntervalMs: 'METRICS_INTERVAL_MS',
} as const

export interface SmppConfig {
  port: number
  tlsPort: number
  host: string
  /** PEM files; TLS listener disabled when either is unset. */
  tlsCertFile?: string
  tlsKeyFile?: string
  /** PEM contents, preferred over the files when both are set (ECS secrets from Secrets Manager). */
  tlsCertPem?: string
  tlsKeyPem?: string
  /** Read a PROXY protocol v2 header first (behind the AWS NLB). */
  proxyProtocol: boolean
  bindTimeoutMs: number
  responseTimeoutMs: number
  enquireLinkIntervalMs: number
  windowSize: number
  /** How often the node writes what it observed of each ESME session (issue 19), in one batch. */
  compatFlushMs: number
  maxPduLength: number
  verdictDeadlineMs: number
  drainTimeoutMs: number
  healthPort: number
  /**
   * Bind limits (docs/SECURITY.md, lib/domain/bind-limits.ts): attempts per address and per system_id (from
   * addresses new to it) within `bindLockoutMs`; over a limit the hold doubles per attempt up to `bindMaxLockoutMs`.
   */
  bindFailureLimit: number
  bindSystemIdLimit: number
  bindLockoutMs: number
  bindMaxLockoutMs: number
  /** scrypt runs at once per node, and binds allowed to wait for one (more are refused at once). */
  bindHashConcurrency: number
  bindHashQueue: number
  /** Connections from one address not yet bound, per node (0: no cap). */
  unboundPerAddress: number
  /** A TLS connection must finish its handshake within this (Node's default is 120 s). */
  tlsHandshakeTimeoutMs: number
  /**
   * Peers whose PROXY header is believed (CIDRs): the NLB's subnets on AWS, loopback locally. With
   * proxyProtocol on, a connection from anywhere else is closed before a byte is read.
   */
  proxyTrusted: string[]
  systemId: string
}

/**
 * What a config is loaded for: one runtime (lib/runtimes.ts declares its tables and queues), or `stack`, every
 * table and queue, for what stands in for the whole stack (tests, the local Lambda host that runs three functions).
 */
export type Scope = Runtime | 'stack'
type TablesIn<S extends Scope> = [S] extends [Runtime] ? TablesOf<S> : TableName
type QueuesIn<S extends Scope> = [S] extends [Runtime] ? QueuesOf<S> : QueueName

/**
 * Physical names of the tables and queues the scope declares. Code shared by several runtimes types its
 * config with their union and sees only what all of them have; anything else it must check for.
 */
export interface Config<S extends Scope = 'stack'> {
  region: string
  endpoints: { dynamo?: string; sqs?: string }
  tables: Readonly<Record<TablesIn<S>, string> & Partial<Record<TableName, string>>>
  queues: Readonly<Record<QueuesIn<S>, string> & Partial<Record<QueueName, string>>>
  callbackQueuePrefix: string
  callbackQueueUrl?: string
  callbackDlqArn?: string
  /** How often the node writes its EMF metrics line (lib/observability). */
  metricsIntervalMs: number
  nodeId: string
  smpp: SmppConfig
  /** Days a message record and its guards are kept (TTL). */
  retentionDays: number
  /** Default validity of a receipt or MO waiting for a receiver session. */
  pendingValidityHours: number
  /** Where the API listens when served by node (the local stack); API Gateway serves it on AWS. */
  /** cursorSecret signs the ledger cursor (API_CURSOR_SECRET); every API instance needs the same one. */
  api: { port: number; host: string; cursorSecret?: string }
  /**
   * Run the upstream SMPP bind pool (issue 9, docs/UPSTREAM-SMPP.md) in the node's process. On by default, so an
   * upstream of kind smpp configured through the API works at once (locally and on AWS); off for client-facing
   * nodes when a sibling service of the same image runs the pool.
   */
  upstreamPool: boolean
  /** The webhook sender (lib/domain/webhook-send.ts): first retry after retryBaseSec, doubling; each POST's timeout. */
  webhook: { retryBaseSec: number; timeoutMs: number }
  /** The AWS sandbox upstream (issue 19): the delay before a receipt, and between receipts (SQS DelaySeconds, whole seconds). */
  sandbox: { receiptDelayMs: number }
}

const fail = (msg: string): never => {
  throw new Error(`config: ${msg}`)
}

/** A queue's URL from a config shared by runtimes that may not all have it: a missing one is a wiring bug, said by name. */
export const queueUrl = (cfg: Pick<Config<Runtime>, 'queues'>, q: QueueName): string =>
  cfg.queues[q] ?? fail(`queue ${q} is not declared for this runtime (lib/runtimes.ts)`)

export function loadConfig<S extends Scope>(scope: S, env: Record<string, string | undefined> = process.env): Config<S> {
  const need = (k: string) => env[k]?.trim() || fail(`missing env ${k}`)
  const opt = (k: string) => env[k]?.trim() || undefined
  const int = (k: string, d: number) => {
    const n = Number(env[k] ?? d)
    return Number.isInteger(n) && n >= 0 ? n : fail(`${k}: not a non-negative integer`)
  }
  const list = (k: string, d: string[]) =>
    env[k]?.trim()
      ? env[k]!.split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : d
  const bool = (k: string, d: boolean) => (env[k] === undefined ? d : ['1', 'true', 'yes'].includes(env[k]!.toLowerCase()))
  // Only the scope's own names are read, so a runtime starts without the env vars of tables it never touches.
  const tableNames = scope === 'stack' ? (Object.keys(Tables) as TableName[]) : tablesOf(scope)
  const queueNames = scope === 'stack' ? (Object.keys(Queues) as QueueName[]) : queuesOf(scope)
  return Object.freeze({
    region: env[EnvKeys.region]?.trim() || 'us-east-1',
    endpoints: { dynamo: opt(EnvKeys.dynamoEndpoint), sqs: opt(EnvKeys.sqsEndpoint) },
    tables: Object.freeze(Object.fromEntries(tableNames.map((t) => [t, need(EnvKeys.table(t))]))) as Config<S>['tables'],
    queues: Object.freeze(Object.fromEntries(queueNames.map((q) => [q, need(EnvKeys.queue(q))]))) as Config<S>['queues'],
    callbackQueuePrefix: env[EnvKeys.callbackQueuePrefix]?.trim() || 'smpp-callback-',
    callbackQueueUrl: opt(EnvKeys.callbackQueueUrl),
    callbackDlqArn: opt(EnvKeys.callbackDlqArn),
    metricsIntervalMs: int(EnvKeys.metricsIntervalMs, 60_000),
    nodeId: opt(EnvKeys.nodeId) ?? `node-${process.pid}`,
    smpp: {
      port: int('SMPP_PORT', 2775),
      tlsPort: int('SMPP_TLS_PORT', 3443),
      host: env.SMPP_HOST?.trim() || '0.0.0.0',
      tlsCertFile: opt('SMPP_TLS_CERT_FILE'),
      tlsKeyFile: opt('SMPP_TLS_KEY_FILE'),
      tlsCertPem: opt(EnvKeys.tlsCertPem),
      tlsKeyPem: opt(EnvKeys.tlsKeyPem),
      proxyProtocol: bool('SMPP_PROXY_PROTOCOL', false),
      bindTimeoutMs: int('BIND_TIMEOUT_MS', 10_000),
      responseTimeoutMs: int('RESPONSE_TIMEOUT_MS', 60_000),
      enquireLinkIntervalMs: int('ENQUIRE_LINK_INTERVAL_MS', 30_000),
      windowSize: int('SMPP_WINDOW', 100),
      compatFlushMs: Math.max(100, int('COMPAT_FLUSH_MS', 10_000)),
      maxPduLength: int('SMPP_MAX_PDU_LENGTH', 65_536),
      verdictDeadlineMs: int('VERDICT_DEADLINE_MS', 5_000),
      drainTimeoutMs: int('DRAIN_TIMEOUT_MS', 20_000),
      healthPort: int('HEALTH_PORT', 8081),
      bindFailureLimit: int('BIND_FAILURE_LIMIT', 30),
      bindSystemIdLimit: int('BIND_SYSTEM_ID_LIMIT', 60),
      bindLockoutMs: int('BIND_LOCKOUT_MS', 900_000),
      bindMaxLockoutMs: int('BIND_MAX_LOCKOUT_MS', 3_600_000),
      bindHashConcurrency: Math.max(1, int('BIND_HASH_CONCURRENCY', 2)),
      bindHashQueue: int('BIND_HASH_QUEUE', 32),
      unboundPerAddress: int('SMPP_UNBOUND_PER_ADDRESS', 50),
      tlsHandshakeTimeoutMs: int('TLS_HANDSHAKE_TIMEOUT_MS', 10_000),
      proxyTrusted: list('SMPP_PROXY_TRUSTED', ['127.0.0.0/8', '::1/128']),
      systemId: env.SMSC_SYSTEM_ID?.trim() || 'SMSC',
    },
    retentionDays: int('RETENTION_DAYS', 30),
    pendingValidityHours: int('PENDING_VALIDITY_HOURS', 72),
    api: { port: int('API_PORT', 8080), host: env.API_HOST?.trim() || '127.0.0.1', cursorSecret: opt('API_CURSOR_SECRET') },
    upstreamPool: bool(EnvKeys.upstreamPool, true),
    webhook: { retryBaseSec: Math.max(1, int('WEBHOOK_RETRY_BASE_SEC', 2)), timeoutMs: int('WEBHOOK_TIMEOUT_MS', 5_000) },
    sandbox: { receiptDelayMs: int('SANDBOX_RECEIPT_DELAY_MS', 1_000) },
  })
}
