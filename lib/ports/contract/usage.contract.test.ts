import { memoryStores } from '../../adapters/memory'
import { dynamoFactory } from './dynamo-factory'
import { usageContract } from './usage.contract'

usageContract('memory', async ({ now }) => memoryStores({ now }))
usageContract('DynamoDB Local', dynamoFactory())
