import { memoryStores } from '../../adapters/memory'
import { dynamoFactory } from './dynamo-factory'
import { ledgerBatchContract } from './ledger-batch.contract'

ledgerBatchContract('memory', async ({ now }) => memoryStores({ now }))
ledgerBatchContract('DynamoDB Local', dynamoFactory())
