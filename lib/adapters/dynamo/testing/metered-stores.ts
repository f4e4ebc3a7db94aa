import { localDynamoClient } from '../../../../infra/local/clients'
import type { LocalServices } from '../../../../test/local-services'
import { fundedAccount, TestClock } from '../../../ports/contract/fixtures'
import { emptyCounts, meterDynamo } from '../../aws/meter'
import { dynamoStores } from '..'

/**
 * Stores on a test file's tables whose DynamoDB client counts what DynamoDB reports it spent in `m` (the bench's
 * meter), and a funded account: for tests of what a write costs (issue 12).
 */
export async function meteredStores(svc: LocalServices) {
  const clock = new TestClock()
  const db = localDynamoClient(svc.config.endpoints.dynamo ?? '')
  const m = emptyCounts()
  meterDynamo(db, m)
  const stores = dynamoStores(db, svc.config.tables, { now: clock.now, retentionDays: 30 })
  return { clock, db, m, stores, account: await fundedAccount(stores, clock, { balance: 10_000 }) }
}
