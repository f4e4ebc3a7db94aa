import { randomUUID } from 'node:crypto'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SQSClient } from '@aws-sdk/client-sqs'
import { sdkClientOptions } from '../lib/adapters/aws/client-options'
import { meterFromEnv } from '../lib/adapters/aws/meter'
import { extensionSecrets } from '../lib/adapters/aws/secrets'
import { dynamoStores } from '../lib/adapters/dynamo'
import { dynamoReference } from '../lib/adapters/dynamo/reference'
import { httpConnector } from '../lib/adapters/http/connector'
import { envSecrets, firstOf, type SecretSource } from '../lib/adapters/http/secrets'
import { fetchWebhookPoster } from '../lib/adapters/http/webhook-poster'
import { sqsQueues } from '../lib/adapters/sqs'
import { sqsDelayedSender } from '../lib/adapters/sqs/delayed-sender'
import { smppQueueConnector } from '../lib/adapters/sqs/upstream-connector'
import { type Config, EnvKeys } from '../lib/config'
import type { Deps } from '../lib/domain/deps'
import type { UpstreamKind } from '../lib/domain/model'
import { SandboxUpstream } from '../lib/domain/sandbox'
import type { SandboxCarrierDeps } from '../lib/domain/sandbox-carrier'
import type { WebhookSendDeps } from '../lib/domain/webhook-send'
import { MetricServices } from '../lib/observability/names'
import { emfMetrics, emfSink } from '../lib/observability/powertools'
import type { Connector, Log } from '../lib/ports'
import type { MetricSink } from '../lib/ports/metrics'
import { powertoolsLog } from './observe'

// The custom resource protocol for the functions CloudFormation calls at deploy (functions/sandbox/register.ts).
export { answerCustomResource, type CfnEvent } from '../lib/adapters/aws/cfn-response'

export interface WiringOptions {
  /** Upstream credentials; default: `upstreamSecrets(process.env)`. */
  secrets?: SecretSource
  /** Connectors by upstream kind, replacing the defaults (tests). */
  connectors?: Partial<Record<UpstreamKind, Connector>>
  log?: Log
  metrics?: MetricSink
}

/**
 * The one place the Lambdas build their adapters: the same DynamoDB and SQS adapters on AWS and in
 * the local stack; only cfg.endpoints differ (unset on AWS).
 */
export function buildDeps(cfg: Deps['cfg'], opts: WiringOptions = {}): Deps {
  const db = new DynamoDBClient({ ...sdkClientOptions, region: cfg.region, endpoint: cfg.endpoints.dynamo })
  const sqs = new SQSClient({ ...sdkClientOptions, region: cfg.region, endpoint: cfg.endpoints.sqs })
  // Only the bench sets METER_DIR: DynamoDB units and SQS requests per message, counted (lib/adapters/aws/meter.ts).
  meterFromEnv(process.env.METER_DIR, 'functions', { dynamo: db, sqs })
  const queues = sqsQueues(sqs)
  const connectors: Partial<Record<UpstreamKind, Connector>> = {
    // The wiring is the edge where the environment may be read; secrets are not part of Config on purpose.
    http: httpConnector(opts.secrets ?? upstreamSecrets(process.env)),
    // SMPP binds cannot live in a Lambda: the job goes to the bind pool in the node's process (issue 9).
    // Only a runtime that declares the upstream queue (dispatch) can hand a message to the pool.
    ...(cfg.queues.upstream ? { smpp: smppQueueConnector(queues, cfg.queues.upstream) } : {}),
    ...opts.connectors,
  }
  return {
    stores: dynamoStores(db, cfg.tables, { retentionDays: cfg.retentionDays }),
    queues,
    connectorFor: (upstream) => connectors[upstream.kind] ?? fail(`no connector for upstream kind '${upstream.kind}'`),
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: opts.log ?? powertoolsLog(),
    metrics: opts.metrics ?? emfSink(emfMetrics(MetricServices.functions)),
    cfg,
  }
}

/** The webhook function's adapters: its tables, the queue whose records it backs off, fetch to the receivers. */
export function buildWebhookDeps(cfg: Config<'webhook'>, opts: WiringOptions = {}) {
  const db = new DynamoDBClient({ ...sdkClientOptions, region: cfg.region, endpoint: cfg.endpoints.dynamo })
  const sqs = new SQSClient({ ...sdkClientOptions, region: cfg.region, endpoint: cfg.endpoints.sqs })
  meterFromEnv(process.env.METER_DIR, 'functions', { dynamo: db, sqs })
  const send: WebhookSendDeps = {
    stores: dynamoStores(db, cfg.tables, { retentionDays: cfg.retentionDays }),
    poster: fetchWebhookPoster(cfg.webhook.timeoutMs),
    now: () => new Date(),
    log: opts.log ?? powertoolsLog(),
  }
  return { ...send, queues: sqsQueues(sqs), metrics: opts.metrics ?? emfSink(emfMetrics(MetricServices.functions)), cfg }
}

/**
 * The AWS sandbox upstream (issue 19): receipts to the receipts queue with DelaySeconds, and its bearer secret read
 * by the upstream's own secretRef ('sandbox'), from the same source the dispatch function reads it from.
 */
export function buildSandboxCarrierDeps(cfg: Config<'sandbox'>, secrets = upstreamSecrets(process.env)): SandboxCarrierDeps {
  const sqs = new SQSClient({ ...sdkClientOptions, region: cfg.region, endpoint: cfg.endpoints.sqs })
  return {
    receipts: sqsDelayedSender(sqs),
    receiptsQueueUrl: cfg.queues.receipts,
    secret: () => secrets.get(SandboxUpstream),
    upstreamId: SandboxUpstream,
    receiptDelayMs: cfg.sandbox.receiptDelayMs,
    now: () => new Date(),
    newId: randomUUID,
  }
}

/** The sandbox registration's one store: the reference table, where upstreams and their tariffs live. */
export const buildSandboxSetupReference = (cfg: Config<'sandboxSetup'>) =>
  dynamoReference(new DynamoDBClient({ ...sdkClientOptions, region: cfg.region, endpoint: cfg.endpoints.dynamo }), cfg.tables.reference)

/**
 * On AWS (CDK sets UPSTREAM_SECRET_PREFIX on the dispatch function, with the Parameters and Secrets extension):
 * Secrets Manager `<prefix><secretRef>` through the extension, then `SECRET_<REF>` env vars. Locally: the env vars.
 */
export function upstreamSecrets(env: Record<string, string | undefined>): SecretSource {
  const prefix = env[EnvKeys.upstreamSecretPrefix]?.trim()
  if (!prefix) return envSecrets(env)
  return firstOf(extensionSecrets({ prefix, token: env.AWS_SESSION_TOKEN ?? '' }), envSecrets(env))
}

const fail = (msg: string): never => {
  throw new Error(msg)
}
