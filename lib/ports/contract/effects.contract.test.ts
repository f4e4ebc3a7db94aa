import { memoryStores } from '../../adapters/memory'
import { dynamoFactory } from './dynamo-factory'
import { effectsContract } from './effects.contract'

effectsContract('memory', async ({ now }) => memoryStores({ now }))
effectsContract('DynamoDB Local', dynamoFactory())
