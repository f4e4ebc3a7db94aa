import { pathToFileURL } from 'node:url'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SQSClient } from '@aws-sdk/client-sqs'
import { dynamoStores } from '../lib/adapters/dynamo'
import { ensureCallbackQueue, sqsQueues } from '../lib/adapters/sqs'
import { type Config, loadConfig } from '../lib/config'
import { systemClock } from './clock'
import type { NodeSettings } from './context'
import { serveHealth } from './health'
import { jsonLog } from './log'
import { SmppNode } from './node'
import { listen, readTlsFiles } from './server'

/** The node's settings from the config: timeouts from env, the rest fixed here. */
export const nodeSettings = (cfg: Config, callbackQueueUrl: string): NodeSettings => ({
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
 * The one wiring place of the SMPP node: config, SDK clients, adapters, listeners, health server and
 * SIGTERM. ECS stops a task with SIGTERM, waits its stopTimeout, then SIGKILLs: the drain deadline
 * (DRAIN_TIMEOUT_MS) must stay below that.
 */
export async function main(): Promise<void> {
  const cfg = loadConfig()
  const log = jsonLog(undefined, { nodeId: cfg.nodeId })
  const db = new DynamoDBClient({ region: cfg.region, endpoint: cfg.endpoints.dynamo }) // endpoints unset on AWS
  const sqs = new SQSClient({ region: cfg.region, endpoint: cfg.endpoints.sqs })
  const callbackQueueUrl = cfg.callbackQueueUrl ?? (await ensureCallbackQueue(sqs, `${cfg.callbackQueuePrefix}${cfg.nodeId}`))
  const node = new SmppNode({
    settings: nodeSettings(cfg, callbackQueueUrl),
    stores: dynamoStores(db, cfg.tables),
    queues: sqsQueues(sqs),
    clock: systemClock,
    log,
  })
  node.start()
  const listeners = await listen(node, { smpp: cfg.smpp, tls: readTlsFiles(cfg.smpp), clock: systemClock })
  const health = await serveHealth(node, cfg.smpp.healthPort, cfg.smpp.host)
  log.info('smpp node listening', { port: listeners.tcpPort, tlsPort: listeners.tlsPort, healthPort: health.port, callbackQueueUrl })

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info('stopping', { signal })
    await listeners.close()
    await node.drain()
    await health.close()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
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
