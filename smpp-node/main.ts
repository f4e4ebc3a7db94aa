import { hostname } from 'node:os'
import { pathToFileURL } from 'node:url'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SQSClient } from '@aws-sdk/client-sqs'
import { sdkClientOptions } from '../lib/adapters/aws/client-options'
import { meterFromEnv } from '../lib/adapters/aws/meter'
import { dynamoStores } from '../lib/adapters/dynamo'
import { envSecrets } from '../lib/adapters/http/secrets'
import { deleteCallbackQueue, ensureNodeCallbackQueue, sqsQueues } from '../lib/adapters/sqs'
import { type Config, EnvKeys, loadConfig } from '../lib/config'
import { MetricServices } from '../lib/observability/names'
import { emfMetrics } from '../lib/observability/powertools'
import { listen, readTlsFiles } from './edge/server'
import { startEmf } from './node/emf'
import { serveHealth } from './node/health'
import { jsonLog } from './node/log'
import { SmppNode } from './node/node'
import type { NodeSettings } from './node/settings'
import { systemClock } from './session/clock'
import { startUpstreamPool, type UpstreamPool, type UpstreamPoolOptions } from './upstream/pool'

/** The node's settings from the config: timeouts from env, the rest fixed here. */
export const nodeSettings = (cfg: Config<'node'>, callbackQueueUrl: string): NodeSettings => ({
  nodeId: cfg.nodeId,
  smpp: cfg.smpp,
  submitQueueUrl: cfg.queues.submit,
  callbackQueueUrl,
  retentionDays: cfg.retentionDays,
  heartbeatMs: 30_000,
  failedBindDelayMs: 1_000,
  callbackWaitSec: 20,
  callbackPollers: 8, // each long poll returns at most 10 messages: several keep up with thousands of verdicts per second
})

/**
 * The bind pool's timing from the node's drain budget: `stop()` waits for answers to submit_sm on the wire (not
 * for its 20 s long poll, whose late answer it releases) and runs beside the node's drain, so both stay within
 * DRAIN_TIMEOUT_MS and the task's stopTimeout.
 */
export const poolOptions = (cfg: Config<'node'>): Partial<UpstreamPoolOptions> => ({
  drainMs: Math.min(10_000, cfg.smpp.drainTimeoutMs),
})

/**
 * NODE_ID names this node's callback queue and its session registry entries, so it must differ between tasks.
 * Every container's process is pid 1, so the config default (node-<pid>) would not: in an ECS task it is
 * `task-<task id>` from the task metadata endpoint (v4), else the container's host name. Outside a container
 * (no ECS_CONTAINER_METADATA_URI_V4) the env is left as it is.
 */
export async function withNodeId(env: Record<string, string | undefined>, timeoutMs = 2_000): Promise<Record<string, string | undefined>> {
  const meta = env.ECS_CONTAINER_METADATA_URI_V4
  if (env[EnvKeys.nodeId]?.trim() || !meta) return env
  const task = await fetch(`${meta}/task`, { signal: AbortSignal.timeout(timeoutMs) })
    .then((r) => r.json() as Promise<{ TaskARN?: string }>)
    .catch(() => undefined)
  const taskId = task?.TaskARN?.split('/').pop()
  return { ...env, [EnvKeys.nodeId]: taskId ? `task-${taskId}` : hostname().replace(/[^A-Za-z0-9_-]/g, '-') }
}

/**
 * The one wiring place of the SMPP node: config, SDK clients, adapters, listeners, health server and
 * SIGTERM. ECS stops a task with SIGTERM, waits its stopTimeout, then SIGKILLs: the drain deadline
 * (DRAIN_TIMEOUT_MS) must stay below that.
 */
export async function main(): Promise<void> {
  const env = await withNodeId(process.env)
  const cfg = loadConfig('node', env)
  const log = jsonLog(undefined, { nodeId: cfg.nodeId })
  const db = new DynamoDBClient({ ...sdkClientOptions, region: cfg.region, endpoint: cfg.endpoints.dynamo }) // endpoints unset on AWS
  const sqs = new SQSClient({ ...sdkClientOptions, region: cfg.region, endpoint: cfg.endpoints.sqs })
  meterFromEnv(env.METER_DIR, 'node', { dynamo: db, sqs }) // the bench's counts (lib/adapters/aws/meter.ts); unset on AWS
  // A queue this node created is this node's to delete when it stops (issue 15: callback queues leaked).
  const ownQueue = cfg.callbackQueueUrl
    ? undefined
    : await ensureNodeCallbackQueue(sqs, `${cfg.callbackQueuePrefix}${cfg.nodeId}`, cfg.callbackDlqArn)
  const callbackQueueUrl = cfg.callbackQueueUrl ?? ownQueue!.url
  const stores = dynamoStores(db, cfg.tables, { retentionDays: cfg.retentionDays })
  const queues = sqsQueues(sqs)
  const node = new SmppNode({ settings: nodeSettings(cfg, callbackQueueUrl), stores, queues, clock: systemClock, log })
  await node.start()
  const { tlsCertPem: cert, tlsKeyPem: key } = cfg.smpp
  const listeners = await listen(node, { smpp: cfg.smpp, tls: cert && key ? { cert, key } : readTlsFiles(cfg.smpp), clock: systemClock })
  // CloudWatch EMF on stdout (the awslogs driver on AWS, the terminal locally): what the alarms and dashboard read.
  const emf = startEmf(node, emfMetrics(MetricServices.node), cfg.metricsIntervalMs)
  const health = await serveHealth(node, cfg.smpp.healthPort, cfg.smpp.host)
  log.info('smpp node listening', { port: listeners.tcpPort, tlsPort: listeners.tlsPort, healthPort: health.port, callbackQueueUrl })
  // Signals first: health answers 200 from here on, so ECS (or a test) may stop the task before the pool is up.
  let poolStarted: Promise<UpstreamPool | undefined> = Promise.resolve(undefined)
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info('stopping', { signal })
    await listeners.close()
    // Client sessions and carrier binds drain side by side: neither waits on the other, and both are bounded.
    const pool = await poolStarted.catch(() => undefined) // a SIGTERM during the pool's start waits for it, then stops it
    await Promise.all([node.drain(), pool?.stop()])
    emf.stop()
    emf.flush() // the drain's last deadline misses and deliveries count too
    if (ownQueue) await deleteCallbackQueue(sqs, ownQueue).catch((err) => log.error('callback queue not deleted', { err }))
    await health.close()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  // The upstream SMPP bind pool (issue 9): binds to carriers' SMSCs, fed by the upstream queue. Bind passwords
  // come from SECRET_<REF> env vars: set by hand locally, injected from Secrets Manager by ECS on AWS.
  if (cfg.upstreamPool) {
    poolStarted = startUpstreamPool({
      stores,
      queues,
      secrets: envSecrets(env),
      queueUrls: { upstream: cfg.queues.upstream, dispatch: cfg.queues.dispatch, receipts: cfg.queues.receipts },
      clock: systemClock,
      log,
      options: poolOptions(cfg),
    })
    const pool = await poolStarted
    log.info('upstream bind pool started', { upstreams: pool!.groups.groups.map((g) => g.upstream.upstreamId) })
  }

  // Input never reaches here (every handler catches); this is for bugs, which must be seen, not hidden.
  process.on('uncaughtException', (err) => log.error('uncaught exception', { err }))
  process.on('unhandledRejection', (err) => log.error('unhandled rejection', { err }))
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(JSON.stringify({ level: 'error', msg: 'smpp node failed to start', err: String(err) }))
    process.exit(1)
  })
}
