import { memoryStores } from '../../adapters/memory'
import { dynamoFactory } from './dynamo-factory'
import { nodesContract } from './nodes.contract'

nodesContract('memory', async ({ now }) => memoryStores({ now }))
nodesContract('DynamoDB Local', dynamoFactory())
