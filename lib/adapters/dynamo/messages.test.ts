import { beforeAll, expect, it } from 'vitest'
import { type LocalServices, localServices } from '../../../test/local-services'
import { aCharge, aMessage } from '../../ports/contract/fixtures'
import { meteredStores } from './testing/metered-stores'

// What DynamoDB itself reports for a message's state changes (issue 12): the indexes hold keys only, so a
// change that leaves their keys alone rewrites the item and nothing else.
let svc: LocalServices
beforeAll(async () => {
  svc = await localServices()
})

const metered = () => meteredStores(svc)

it('a state change costs one write unit, plus one when it gives the message its upstream key', async () => {
  const { clock, m, stores, account } = await metered()
  const message = aMessage(clock, account.accountId)
  expect(await stores.ledger.chargeOnce(aCharge(clock, message))).toEqual({ result: 'charged' })
  const op = `UpdateItem ${svc.config.tables.messages}`
  await stores.messages.transition(message.messageId, ['ACCEPTED'], 'ENROUTE', { upstreamId: 'sim', upstreamMessageId: 'u1' })
  expect(m.ddbWriteByOp[op]).toBe(2) // the item, and its new entry in byUpstreamId
  await stores.messages.transition(message.messageId, ['ENROUTE'], 'DELIVERED', { doneAt: clock.iso(5), errorCode: 0 })
  expect(m.ddbWriteByOp[op]).toBe(3)
  expect(await stores.messages.byUpstreamId('sim', 'u1')).toMatchObject({ messageId: message.messageId, state: 'DELIVERED' })
})

it('ENROUTE for a carrier that echoes our id is one write unit: no index entry (issue 12)', async () => {
  const { clock, m, stores, account } = await metered()
  const message = aMessage(clock, account.accountId)
  expect(await stores.ledger.chargeOnce(aCharge(clock, message))).toEqual({ result: 'charged' })
  const before = m.ddbWriteUnits
  const patch = { upstreamId: 'sim', upstreamMessageId: 'u9' }
  await stores.messages.transition(message.messageId, ['ACCEPTED'], 'ENROUTE', patch, { indexUpstream: false })
  expect(m.ddbWriteUnits - before).toBe(1)
})

it('the dispatch lease is one write unit on the item, which it returns: no guard item, no read (issue 12)', async () => {
  const { clock, m, stores, account } = await metered()
  const message = aMessage(clock, account.accountId)
  expect(await stores.ledger.chargeOnce(aCharge(clock, message))).toEqual({ result: 'charged' })
  const before = { requests: m.ddbRequests, units: m.ddbWriteUnits }
  expect(await stores.messages.leaseDispatch(message.messageId, 0, clock.sec() + 60, clock.sec())).toEqual({
    outcome: 'taken',
    record: message,
  })
  expect([m.ddbRequests - before.requests, m.ddbWriteUnits - before.units]).toEqual([1, 1])
})

it('reads started together share one BatchGetItem, each caller gets its own record (issue 12: every hop batches)', async () => {
  const { clock, m, stores, account } = await metered()
  const messages = [1, 2, 3].map(() => aMessage(clock, account.accountId))
  for (const message of messages) expect(await stores.ledger.chargeOnce(aCharge(clock, message))).toEqual({ result: 'charged' })
  const before = { ...m.ddbRequestsByOp }
  const ids = [...messages.map((x) => x.messageId), messages[0].messageId, 'no-such-message']
  const read = await Promise.all(ids.map((id) => stores.messages.get(id)))
  expect(read.map((r) => r?.messageId)).toEqual([...messages.map((x) => x.messageId), messages[0].messageId, undefined])
  const t = svc.config.tables.messages
  expect((m.ddbRequestsByOp[`BatchGetItem ${t}`] ?? 0) - (before[`BatchGetItem ${t}`] ?? 0)).toBe(1)
  expect(m.ddbRequestsByOp[`GetItem ${t}`] ?? 0).toBe(before[`GetItem ${t}`] ?? 0)
  // A read that starts after the first turn is its own request, and sees the latest state (consistent read).
  await stores.messages.transition(messages[1].messageId, ['ACCEPTED'], 'ENROUTE', { upstreamId: 'sim', upstreamMessageId: 'u2' })
  expect(await stores.messages.get(messages[1].messageId)).toMatchObject({ state: 'ENROUTE' })
  expect((m.ddbRequestsByOp[`BatchGetItem ${t}`] ?? 0) - (before[`BatchGetItem ${t}`] ?? 0)).toBe(2)
})
