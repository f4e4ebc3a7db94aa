import { memoryStores } from '../../adapters/memory'
import { dynamoFactory } from './dynamo-factory'
import { pendingContract } from './pending.contract'

pendingContract('memory', async ({ now }) => memoryStores({ now }))
pendingContract('DynamoDB Local', dynamoFactory())
