import { inject } from 'vitest'
import { localDynamoClient } from '../../infra/local/clients'
import { dynamoStores } from '../../lib/adapters/dynamo'
import type { Stores } from '../../lib/ports'
import { physicalName, type TableName, Tables } from '../../lib/resources'
import { type Stack, startStack } from '../e2e/stack'
import { uniquePrefix } from '../local-services'

export interface SharedStack extends Stack {
  prefix: string
  /** The stack's own tables, read directly (what the API does not show, e.g. a record's upstreamMessageId). */
  stores: Stores
}

/**
 * `npm start`'s stack on the DynamoDB Local and SQS server the test run already has (test/global-setup.ts),
 * under a prefix of its own: no JVM of its own to wait for, and two stacks on one machine stay apart
 * (infra/local/main.ts LOCAL_DYNAMO_ENDPOINT, LOCAL_SQS_ENDPOINT, STACK_PREFIX).
 */
export async function sharedServicesStack(env: Record<string, string> = {}): Promise<SharedStack> {
  const prefix = uniquePrefix()
  const stack = await startStack({
    LOCAL_DYNAMO_ENDPOINT: inject('dynamoEndpoint'),
    LOCAL_SQS_ENDPOINT: inject('sqsEndpoint'),
    STACK_PREFIX: prefix,
    ...env,
  })
  const tables = Object.fromEntries(Object.entries(Tables).map(([t, def]) => [t, physicalName(prefix, def.name)])) as Record<
    TableName,
    string
  >
  return Object.assign(stack, { prefix, stores: dynamoStores(localDynamoClient(inject('dynamoEndpoint')), tables) })
}
