import { memoryStores } from '../../adapters/memory'
import { dynamoFactory } from './dynamo-factory'
import { webhooksContract } from './webhooks.contract'

webhooksContract('memory', async ({ now }) => memoryStores({ now }))
webhooksContract('DynamoDB Local', dynamoFactory())
