import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { beforeAll, expect, it } from 'vitest'
import { type LocalServices, localServices } from '../../../test/local-services'
import { aCharge, aMessage, TestClock, uid } from '../../ports/contract/fixtures'
import { groups } from './charge-plan'
import { fromItem, toItem } from './item'
import { messageItem } from './messages'
import { meteredStores } from './testing/metered-stores'

// Issue 12 (cost): the message item is its own decision guard. What the adapter writes, read back raw, and what
// DynamoDB bills for it: before this, every charge also put DECISION#<id> in the guards table (2 WRU in a transaction).
let svc: LocalServices
/** The guards-table key the decision had before; nothing writes it any more, which these tests check. */
const oldDecisionKey = (messageId: string) => `DECISION#${messageId}`
beforeAll(async () => {
  svc = await localServices()
})

async function metered() {
  const stores = await meteredStores(svc)
  const raw = async (table: string, key: Record<string, unknown>) => {
    const out = await stores.db.send(new GetItemCommand({ TableName: table, Key: toItem(key), ConsistentRead: true }))
    return out.Item && fromItem(out.Item)
  }
  return { ...stores, raw }
}

it('a charge writes one transaction item per record, the record itself, and no decision guard', async () => {
  const { clock, m, stores, raw, account } = await metered()
  const charge = aCharge(clock, aMessage(clock, account.accountId))
  expect(await stores.ledger.chargeOnce(charge)).toEqual({ result: 'charged' })
  const { guards, messages } = svc.config.tables
  expect(m.ddbWriteByOp[`TransactWriteItems ${guards}`]).toBeUndefined()
  expect(m.ddbWriteByOp[`TransactWriteItems ${messages}`]).toBe(2) // one item under 1 KB, transactional
  expect(await raw(guards, { pk: oldDecisionKey(charge.message.messageId) })).toBeUndefined()
  expect(await raw(messages, { messageId: charge.message.messageId })).toMatchObject({ state: 'ACCEPTED', decidedAt: charge.entry.at })
  expect(await stores.ledger.decision(charge.message.messageId)).toEqual({
    messageId: charge.message.messageId,
    status: 0,
    decidedAt: charge.entry.at,
  })
})

it('decide puts a decision-only item on the message key that expires with the TTL it is given', async () => {
  const { clock, stores, raw } = await metered()
  const d = { messageId: uid('late'), status: 0x0402, decidedAt: clock.iso() }
  expect(await stores.ledger.decide(d, clock.sec() + 3_600)).toEqual({ result: 'recorded' })
  expect(await raw(svc.config.tables.messages, { messageId: d.messageId })).toEqual({
    messageId: d.messageId,
    verdict: 0x0402,
    decidedAt: d.decidedAt,
    expiresAt: clock.sec() + 3_600, // the messages table's TTL attribute (lib/resources.ts)
  })
  expect(await raw(svc.config.tables.guards, { pk: oldDecisionKey(d.messageId) })).toBeUndefined()
})

it('a record written before the upgrade, without decidedAt, is decision 0 at its creation and wins over a deadline', async () => {
  const { clock, db, stores, account } = await metered()
  const message = aMessage(clock, account.accountId, { createdAt: clock.iso(-5_000) })
  await db.send(new PutItemCommand({ TableName: svc.config.tables.messages, Item: messageItem(message, 30) }))
  const accepted = { messageId: message.messageId, status: 0, decidedAt: message.createdAt }
  expect(await stores.ledger.decisions([message.messageId])).toEqual(new Map([[message.messageId, accepted]]))
  expect(await stores.ledger.decide({ messageId: message.messageId, status: 0x0402, decidedAt: clock.iso() }, clock.sec() + 60)).toEqual({
    result: 'already-decided',
    decision: accepted,
  })
  expect(await stores.ledger.chargeOnce(aCharge(clock, message))).toEqual({ result: 'already-decided', decision: accepted })
  expect((await stores.accounts.get(account.accountId))?.balance).toBe(10_000)
})

it('fits 45 records with fingerprints in one transaction of 100 items with 8 shards (30 with a decision guard each)', () => {
  const clock = new TestClock()
  const charges = Array.from({ length: 46 }, () =>
    aCharge(clock, aMessage(clock, 'acct'), { key: `DUP#${uid('fp')}`, expiresAt: clock.sec() + 60 }),
  )
  // 8 shard draws + 1 ledger line + 1 usage counter + 45 x (record + fingerprint) = 100.
  expect(groups(charges, [], 8).map((g) => g.length)).toEqual([45, 1])
})
