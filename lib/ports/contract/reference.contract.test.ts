import { memoryStores } from '../../adapters/memory'
import { dynamoFactory } from './dynamo-factory'
import { referenceContract } from './reference.contract'

referenceContract('memory', async ({ now }) => memoryStores({ now }))
referenceContract('DynamoDB Local', dynamoFactory())
