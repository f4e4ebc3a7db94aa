import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { processMeter } from '../../lib/adapters/aws/meter'
import { dynamoStores } from '../../lib/adapters/dynamo'
import { ensureCallbackQueue, sqsQueues } from '../../lib/adapters/sqs'
import { drain, seed, sqsEvent, submitJob } from '../../lib/domain/fixtures'
import type { DeliverMessage, DispatchJob, UpstreamEvent } from '../../lib/domain/jobs'
import { submitMessage } from '../../lib/domain/submit'
import type { Stores } from '../../lib/ports'
import { physicalName } from '../../lib/resources'
import { type LocalServices, localServices } from '../../test/local-services'
import type { SqsEvent } from '../types'
import { buildDeps } from '../wiring'

let svc: LocalServices
let stores: Stores
let queues: ReturnType<typeof sqsQueues>
let receiverQueue: string
let handler: (e: SqsEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>

beforeAll(async () => {
  svc = await localServices()
  // The handler's SQS requests are counted (lib/adapters/aws/meter.ts) to check how its nudges leave.
  Object.assign(process.env, svc.env, { METER_DIR: mkdtempSync(join(tmpdir(), 'dlr-meter-')) })
  stores = dynamoStores(svc.db, svc.config.tables)
  queues = sqsQueues(svc.sqs)
  await seed(stores)
  receiverQueue = await ensureCallbackQueue(svc.sqs, physicalName(svc.prefix, 'callback-rx'))
  await stores.sessions.put({
    accountId: 'acme',
    nodeId: 'rx',
    sessionId: 's1',
    bindType: 'transceiver',
    callbackQueueUrl: receiverQueue,
    boundAt: new Date().toISOString(),
    expiresAt: Math.floor(Date.now() / 1000) + 600,
  })
  ;({ handler } = await import('./handler'))
})

/** A charged message, handed to carrier 'up-a' under `carrierId`. */
async function sent(text: string, carrierId: string, registeredDelivery = 1): Promise<string> {
  const replyTo = await ensureCallbackQueue(svc.sqs, physicalName(svc.prefix, 'callback-tx'))
  await submitMessage(
    buildDeps(svc.config),
    submitJob({ replyTo, text, registeredDelivery, receivedAt: new Date().toISOString(), deadline: Date.now() + 60_000 }),
  )
  const [job] = await drain<DispatchJob>(queues, svc.config.queues.dispatch, 1)
  await stores.messages.setUpstream(job.messageId, 'up-a', carrierId)
  await stores.messages.transition(job.messageId, ['ACCEPTED'], 'ENROUTE', { upstreamId: 'up-a', upstreamMessageId: carrierId })
  return job.messageId
}
const receipt = (upstreamMessageId: string, stat: string, err = 0): UpstreamEvent => ({
  type: 'receipt',
  upstreamId: 'up-a',
  upstreamMessageId,
  stat,
  err,
  doneAt: new Date().toISOString(),
})
const pendingFor = async (id: string) =>
  (await stores.pending.list('acme', new Date(), 50)).filter((p) => p.deliver.receiptedMessageId === id)

describe('DLR handler on DynamoDB Local and SQS', () => {
  it('moves the state once: duplicate and late receipts in one batch change nothing more', async () => {
    const id = await sent('delivered text', 'c-100')
    const res = await handler(sqsEvent(receipt('c-100', 'DELIVRD'), receipt('c-100', 'DELIVRD'), receipt('c-100', 'ENROUTE')))
    expect(res).toEqual({ batchItemFailures: [] })
    expect((await stores.messages.get(id))!.state).toBe('DELIVERED')
    const pending = await pendingFor(id)
    expect(pending).toHaveLength(1)
    expect(Buffer.from(pending[0].deliver.shortMessage, 'base64').toString('latin1')).toMatch(
      new RegExp(`^id:${id} sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000 text:delivered text$`),
    )
    expect(await drain<DeliverMessage>(queues, receiverQueue, 1)).toMatchObject([{ pendingSk: pending[0].sk }])
  })

  it('refunds a failed message once, whatever SQS redelivers', async () => {
    const id = await sent('will fail', 'c-200')
    const charged = (await stores.accounts.get('acme'))!.balance
    const event = sqsEvent(receipt('c-200', 'UNDELIV', 0x0b))
    await handler(event)
    await handler(event)
    expect((await stores.accounts.get('acme'))!.balance).toBe(charged + 7)
    expect(await stores.messages.get(id)).toMatchObject({ state: 'UNDELIVERABLE', errorCode: 0x0b, refunded: true })
    expect(await pendingFor(id)).toHaveLength(1)
    const day = new Date().toISOString().slice(0, 10)
    const usage = await stores.usage.query('acme', day, day)
    expect(usage.filter((u) => u.status === 'UNDELIVERABLE').map((u) => u.messages)).toEqual([1])
    expect(usage.filter((u) => u.status === 'REFUNDED').map((u) => u.refunds)).toEqual([7])
    await drain(queues, receiverQueue, 1)
  })

  it('MO to an owned number reaches pending and the receiver node; to nobody it is dropped', async () => {
    await stores.reference.putNumber('15550199', 'acme', ['up-a'])
    const mo = (to: string): UpstreamEvent => ({
      type: 'mo',
      upstreamId: 'up-a',
      sourceAddr: '447700900555',
      destinationAddr: to,
      dataCoding: 8,
      shortMessage: Buffer.from('00480069', 'hex').toString('base64'),
      receivedAt: new Date().toISOString(),
    })
    const owned = mo('15550199')
    expect(await handler(sqsEvent(owned, owned, mo('15550000')))).toEqual({ batchItemFailures: [] })
    const items = (await stores.pending.list('acme', new Date(), 50)).filter((p) => p.deliver.kind === 'mo')
    expect(items.map((i) => i.deliver)).toMatchObject([
      { esmClass: 0, dataCoding: 8, sourceAddr: '447700900555', destinationAddr: '15550199' },
    ])
    expect(await drain<DeliverMessage>(queues, receiverQueue, 1)).toMatchObject([{ pendingSk: items[0].sk, deliver: { kind: 'mo' } }])
  })

  // Issue 12: every hop batches. The pending items carry the deliveries; the nudges to the node leave together.
  it("sends a batch's nudges to one node in one SendMessageBatch, after every record is done", async () => {
    const ids = [await sent('nudge one', 'c-401'), await sent('nudge two', 'c-402'), await sent('nudge three', 'c-403')]
    const before = { ...processMeter.sqsByAction }
    const res = await handler(sqsEvent(receipt('c-401', 'DELIVRD'), receipt('c-402', 'DELIVRD'), receipt('c-403', 'DELIVRD')))
    expect(res).toEqual({ batchItemFailures: [] })
    const sentNow = (action: string) => (processMeter.sqsByAction[action] ?? 0) - (before[action] ?? 0)
    expect([sentNow('SendMessage'), sentNow('SendMessageBatch')]).toEqual([0, 1])
    const nudges = await drain<DeliverMessage>(queues, receiverQueue, 3)
    const pending = (await Promise.all(ids.map(pendingFor))).flat()
    expect(nudges.map((n) => n.pendingSk).sort()).toEqual(pending.map((p) => p.sk).sort())
  })

  // Issue 13 item 9 with issue 12's cost: the state moves, their stored receipts and one summed usage ADD in one
  // transaction per batch; the state move is the once-only guard, so no USAGE#/RECEIPT# lease or confirm is written.
  it("commits a batch's state moves, receipts and summed usage in one transaction, with no guard writes", async () => {
    for (const [text, carrierId] of [
      ['usage one', 'c-501'],
      ['usage two', 'c-502'],
      ['usage three', 'c-503'],
    ])
      await sent(text, carrierId)
    const day = new Date().toISOString().slice(0, 10)
    const delivered = async () => (await stores.usage.query('acme', day, day)).find((u) => u.status === 'DELIVERED')?.messages ?? 0
    const before = { count: await delivered(), units: { ...processMeter.ddbWriteByOp } }
    const res = await handler(sqsEvent(receipt('c-501', 'DELIVRD'), receipt('c-502', 'DELIVRD'), receipt('c-503', 'DELIVRD')))
    expect(res).toEqual({ batchItemFailures: [] })
    const units = (op: string) => (processMeter.ddbWriteByOp[op] ?? 0) - (before.units[op] ?? 0)
    const { usage, guards, messages, pending } = svc.config.tables
    expect(
      [`UpdateItem ${usage}`, `PutItem ${guards}`, `UpdateItem ${guards}`, `UpdateItem ${messages}`, `PutItem ${pending}`].map(units),
    ).toEqual([0, 0, 0, 0, 0])
    // 2 WRU per transaction item (lib/adapters/aws/transact-units.ts): one usage counter for the three receipts.
    expect([`TransactWriteItems ${usage}`, `TransactWriteItems ${messages}`, `TransactWriteItems ${pending}`].map(units)).toEqual([2, 6, 6])
    expect((await delivered()) - before.count).toBe(3)
    await drain(queues, receiverQueue, 3)
  })

  it('a receipt for an unknown message is reported alone, to be retried and end in the DLQ', async () => {
    const id = await sent('known', 'c-300')
    const res = await handler(sqsEvent(receipt('c-999', 'DELIVRD'), receipt('c-300', 'DELIVRD')))
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: 'r0' }] })
    expect((await stores.messages.get(id))!.state).toBe('DELIVERED')
  })
})
