import { memoryStores } from '../../adapters/memory'
import { dynamoFactory } from './dynamo-factory'
import { quotasContract } from './quotas.contract'

quotasContract('memory', async ({ now }) => memoryStores({ now }))
quotasContract('DynamoDB Local', dynamoFactory())
