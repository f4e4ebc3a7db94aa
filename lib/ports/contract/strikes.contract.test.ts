import { memoryStores } from '../../adapters/memory'
import { dynamoFactory } from './dynamo-factory'
import { strikesContract } from './strikes.contract'

strikesContract('memory', async ({ now }) => memoryStores({ now }))
strikesContract('DynamoDB Local', dynamoFactory())
