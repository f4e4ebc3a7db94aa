import { memoryStores } from '../../adapters/memory'
import { compatContract } from './compat.contract'
import { dynamoFactory } from './dynamo-factory'

compatContract('memory', async ({ now }) => memoryStores({ now }))
compatContract('DynamoDB Local', dynamoFactory())
