import { memoryStores } from '../../adapters/memory'
import { dynamoFactory } from './dynamo-factory'
import { guardsContract } from './guards.contract'

guardsContract('memory', async ({ now }) => memoryStores({ now }))
guardsContract('DynamoDB Local', dynamoFactory())
