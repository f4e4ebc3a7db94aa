import { memoryStores } from '../../adapters/memory'
import { dynamoFactory } from './dynamo-factory'
import { sessionsContract } from './sessions.contract'

sessionsContract('memory', async ({ now }) => memoryStores({ now }))
sessionsContract('DynamoDB Local', dynamoFactory())
