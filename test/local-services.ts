import { randomBytes } from 'node:crypto'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { SQSClient } from '@aws-sdk/client-sqs'
import { inject } from 'vitest'
import { LocalCredentials, LocalRegion, localDynamoClient, localSqsClient } from '../infra/local/clients'
import { stackEnv } from '../infra/local/env'
import { provision } from '../infra/local/provision'
import { ensureQueueWithDlq } from '../lib/adapters/sqs/create-queue'
import { type Config, EnvKeys, loadConfig } from '../lib/config'
import type { QueueName } from '../lib/resources'

export interface LocalServices {
  config: Config
  db: DynamoDBClient
  sqs: SQSClient
  prefix: string
  /** DLQ URLs of the pipeline queues, to assert what ended there. */
  dlqs: Record<QueueName, string>
  /** The env a process would get (loadConfig('stack', env) === config): for code that builds its own clients. */
  env: Record<string, string>
}

export const uniquePrefix = () => `t${randomBytes(4).toString('hex')}`

/**
 * Tables and queues of their own for one test file, on the DynamoDB Local and SQS server that
 * test/global-setup.ts started: call once in `beforeAll`. The prefix keeps suites apart, so no cleanup is needed.
 */
export async function localServices(prefix = uniquePrefix()): Promise<LocalServices> {
  const endpoints = { dynamo: inject('dynamoEndpoint'), sqs: inject('sqsEndpoint') }
  // Code under test that builds clients from a Config uses the SDK's default credential chain: give it dummy ones.
  process.env.AWS_ACCESS_KEY_ID ??= LocalCredentials.accessKeyId
  process.env.AWS_SECRET_ACCESS_KEY ??= LocalCredentials.secretAccessKey
  process.env.AWS_REGION ??= LocalRegion
  const db = localDynamoClient(endpoints.dynamo)
  const sqs = localSqsClient(endpoints.sqs)
  const provisioned = await provision({ db, sqs, prefix })
  const env = { ...stackEnv(provisioned, endpoints), [EnvKeys.nodeId]: `${prefix}-node` }
  return { config: loadConfig('stack', env), db, sqs, prefix, dlqs: provisioned.dlqs, env }
}

/** Just the SDK clients for the run's local services, for suites that make their own queues. */
export function localClients(): { db: DynamoDBClient; sqs: SQSClient } {
  return { db: localDynamoClient(inject('dynamoEndpoint')), sqs: localSqsClient(inject('sqsEndpoint')) }
}

/** A uniquely named queue with its DLQ; short timeouts make redelivery and redrive testable in seconds. */
export async function tempQueue(
  sqs: SQSClient,
  opts: { visibilityTimeoutSec?: number; maxReceiveCount?: number; name?: string } = {},
): Promise<{ url: string; dlqUrl: string; name: string }> {
  const name = opts.name ?? `${uniquePrefix()}-q`
  const created = await ensureQueueWithDlq(sqs, {
    name,
    visibilityTimeoutSec: opts.visibilityTimeoutSec ?? 1,
    maxReceiveCount: opts.maxReceiveCount ?? 3,
    retentionSec: 3_600,
  })
  return { ...created, name }
}
