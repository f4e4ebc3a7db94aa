import { memoryStores } from '../../adapters/memory'
import { dynamoFactory } from './dynamo-factory'
import { ledgerContract } from './ledger.contract'

ledgerContract('memory', async ({ now }) => memoryStores({ now }))
ledgerContract('DynamoDB Local', dynamoFactory())
