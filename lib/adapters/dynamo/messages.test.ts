import { beforeAll, expect, it } from 'vitest'
import { localDynamoClient } from '../../../infra/local/clients'
import { type LocalServices, localServices } from '../../../test/local-services'
import { aCharge, aMessage, fundedAccount, TestClock } from '../../ports/contract/fixtures'
import { emptyCounts, meterDynamo } from '../aws/meter'
import { dynamoStores } from '.'

// What DynamoDB itself reports for a message's state changes (issue 12): the indexes hold keys only, so a
// change that leaves their keys alone rewrites the item and nothing else.
let svc: LocalServices
beforeAll(async () => {
  svc = await localServices()
})

it('a state change costs one write unit, plus one when it gives the message its upstream key', async () => {
  const clock = new TestClock()
  const db = localDynamoClient(svc.config.endpoints.dynamo ?? '')
  const m = emptyCounts()
  meterDynamo(db, m)
  const stores = dynamoStores(db, svc.config.tables, { now: clock.now, retentionDays: 30 })
  const account = await fundedAccount(stores, clock, { balance: 10_000 })
  const message = aMessage(clock, account.accountId)
  expect(await stores.ledger.chargeOnce(aCharge(clock, message))).toEqual({ result: 'charged' })
  const op = `UpdateItem ${svc.config.tables.messages}`
  await stores.messages.transition(message.messageId, ['ACCEPTED'], 'ENROUTE', { upstreamId: 'sim', upstreamMessageId: 'u1' })
  expect(m.ddbWriteByOp[op]).toBe(2) // the item, and its new entry in byUpstreamId
  await stores.messages.transition(message.messageId, ['ENROUTE'], 'DELIVERED', { doneAt: clock.iso(5), errorCode: 0 })
  expect(m.ddbWriteByOp[op]).toBe(3)
  expect(await stores.messages.byUpstreamId('sim', 'u1')).toMatchObject({ messageId: message.messageId, state: 'DELIVERED' })
})
