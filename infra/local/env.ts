import { EnvKeys } from '../../lib/config'
import { CallbackQueue, physicalName, type QueueName, type TableName } from '../../lib/resources'
import { LocalCredentials, LocalRegion } from './clients'
import type { Provisioned } from './provision'

/**
 * The environment a process gets, named exactly as the CDK stacks name it on AWS (lib/config.ts
 * EnvKeys), plus the two local endpoints and dummy credentials for the SDK's default chain.
 */
export function stackEnv(p: Provisioned, endpoints: { dynamo: string; sqs: string }): Record<string, string> {
  const env: Record<string, string> = {
    [EnvKeys.dynamoEndpoint]: endpoints.dynamo,
    [EnvKeys.sqsEndpoint]: endpoints.sqs,
    [EnvKeys.region]: LocalRegion,
    AWS_ACCESS_KEY_ID: LocalCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LocalCredentials.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    [EnvKeys.callbackQueuePrefix]: physicalName(p.prefix, CallbackQueue.namePrefix),
  }
  for (const [t, name] of Object.entries(p.tables)) env[EnvKeys.table(t as TableName)] = name
  for (const [q, url] of Object.entries(p.queues)) env[EnvKeys.queue(q as QueueName)] = url
  return env
}
