import { memoryStores } from '../../adapters/memory'
import { accountsContract } from './accounts.contract'
import { dynamoFactory } from './dynamo-factory'

accountsContract('memory', async ({ now }) => memoryStores({ now }))
accountsContract('DynamoDB Local', dynamoFactory())
