import { memoryStores } from '../../adapters/memory'
import { dynamoFactory } from './dynamo-factory'
import { messagesContract } from './messages.contract'

messagesContract('memory', async ({ now }) => memoryStores({ now }))
messagesContract('DynamoDB Local', dynamoFactory())
