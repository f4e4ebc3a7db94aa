import { beforeAll, describe, expect, it } from 'vitest'
import { dynamoStores } from '../../../lib/adapters/dynamo'
import { sqsQueues } from '../../../lib/adapters/sqs'
import type { Stores } from '../../../lib/ports'
import { type LocalServices, localServices } from '../../../test/local-services'
import { api, Keys, Now, seed } from '../fixture'

/** The upstream webhook puts validated events on the real receipts queue; failures inside answer a bare 500. */

describe('upstream webhook and error handling on DynamoDB Local and SQS', () => {
  let local: LocalServices
  let stores: Stores
  let queues: ReturnType<typeof sqsQueues>

  beforeAll(async () => {
    local = await localServices()
    stores = dynamoStores(local.db, local.config.tables, { now: () => Now })
    queues = sqsQueues(local.sqs)
    await seed(stores)
    await stores.reference.putUpstream({ upstreamId: 'sim', kind: 'http', url: 'http://127.0.0.1:1/', timeoutMs: 1000 })
    await stores.reference.putNumber('447700900500', 'acme', ['sim'])
  })

  const drain = async () => {
    const got = await queues.receive(local.config.queues.receipts, 10, 1)
    for (const m of got) await queues.delete(local.config.queues.receipts, m.receiptHandle)
    return got.map((m) => JSON.parse(m.body))
  }

  it('queues a receipt and an MO for the DLR function, with the upstream taken from the path', async () => {
    const { call } = api(stores, { queues, receiptsQueueUrl: local.config.queues.receipts })
    const receipt = { type: 'receipt', upstreamMessageId: 'up-1', stat: 'DELIVRD', err: 0, doneAt: '2025-03-10T11:59:00Z' }
    const mo = {
      type: 'mo',
      sourceAddr: '447700900111',
      destinationAddr: '447700900500',
      dataCoding: 0,
      shortMessage: 'aGk=',
      receivedAt: '2025-03-10T11:59:01Z',
    }
    for (const event of [receipt, mo]) {
      const res = await call('/webhooks/upstream/sim', Keys.admin, { method: 'POST', json: { ...event, upstreamId: 'spoofed' } })
      expect(res.status).toBe(202)
    }
    const queued = [...(await drain()), ...(await drain())]
    expect(queued.sort((a, b) => a.type.localeCompare(b.type))).toEqual([
      { ...mo, upstreamId: 'sim' },
      { ...receipt, upstreamId: 'sim' },
    ])
  })

  it('refuses a malformed event, an unknown upstream and a non-admin key, and queues nothing', async () => {
    const { call } = api(stores, { queues, receiptsQueueUrl: local.config.queues.receipts })
    const post = (path: string, json: unknown, key: string = Keys.admin) => call(path, key, { method: 'POST', json })
    const ok = { type: 'receipt', messageId: 'm-1', stat: 'UNDELIV', err: 1, doneAt: '2025-03-10T11:59:00Z' }
    expect((await post('/webhooks/upstream/sim', { ...ok, stat: 'GREAT' })).status).toBe(400)
    expect((await post('/webhooks/upstream/sim', { ...ok, messageId: undefined })).status).toBe(400)
    expect((await post('/webhooks/upstream/sim', { type: 'mo', sourceAddr: '1' })).status).toBe(400)
    expect((await post('/webhooks/upstream/nope', ok)).status).toBe(404)
    expect((await post('/webhooks/upstream/sim', ok, Keys.finance)).status).toBe(403)
    const bad = await call('/webhooks/upstream/sim', Keys.admin, {
      method: 'POST',
      body: '{not json',
      headers: { 'content-type': 'application/json' },
    })
    expect([bad.status, (await bad.json()).error.code]).toEqual([400, 'bad_request'])
    expect(await drain()).toEqual([])
  })

  it("takes a carrier key on its own upstream's webhook only", async () => {
    const { call } = api(stores, { queues, receiptsQueueUrl: local.config.queues.receipts })
    await stores.reference.putUpstream({ upstreamId: 'other', kind: 'http', url: 'http://127.0.0.1:1/', timeoutMs: 1000 })
    const created = await call('/api-keys', Keys.admin, {
      method: 'POST',
      json: { role: 'upstream', upstreamId: 'sim', name: 'sim carrier' },
    })
    expect(created.status).toBe(201)
    const { key } = await created.json()
    const receipt = { type: 'receipt', upstreamMessageId: 'up-2', stat: 'DELIVRD', err: 0, doneAt: '2025-03-10T11:59:00Z' }
    expect((await call('/webhooks/upstream/sim', key, { method: 'POST', json: receipt })).status).toBe(202)
    expect((await call('/webhooks/upstream/other', key, { method: 'POST', json: receipt })).status).toBe(403)
    expect((await call('/accounts', key)).status).toBe(403)
    expect(await drain()).toEqual([{ ...receipt, upstreamId: 'sim' }])
    const noTarget = await call('/api-keys', Keys.admin, { method: 'POST', json: { role: 'upstream', name: 'no upstream' } })
    expect(noTarget.status).toBe(400)
  })

  // Issue 13 leftover: before, any upstream's key could inject MO for any account's number.
  it('takes an MO only for a number its upstream serves: named by the number, or by the route to it', async () => {
    const { call } = api(stores, { queues, receiptsQueueUrl: local.config.queues.receipts })
    await stores.reference.putUpstream({ upstreamId: 'rival', kind: 'http', url: 'http://127.0.0.1:1/', timeoutMs: 1000 })
    await stores.reference.putNumber('447700900600', 'acme')
    await stores.reference.putRoute({ plan: 'acme', prefix: '4477009006', upstreams: [{ upstreamId: 'rival', priority: 1 }] })
    const created = await call('/api-keys', Keys.admin, { method: 'POST', json: { role: 'upstream', upstreamId: 'rival', name: 'rival' } })
    const { key } = await created.json()
    const mo = (to: string) => ({
      type: 'mo',
      sourceAddr: '447700900111',
      destinationAddr: to,
      dataCoding: 0,
      shortMessage: 'aGk=',
      receivedAt: '2025-03-10T11:59:01Z',
    })
    const post = (to: string) => call('/webhooks/upstream/rival', key, { method: 'POST', json: mo(to) })
    const refused = await post('447700900500') // acme's number, MO routed to sim
    expect([refused.status, (await refused.json()).error.code]).toEqual([403, 'forbidden'])
    expect((await post('447700900999')).status).toBe(404) // nobody's number
    expect((await post('447700900600')).status).toBe(202) // acme's route to it names rival
    expect(await drain()).toEqual([{ ...mo('447700900600'), upstreamId: 'rival' }])
  })

  it('answers 503 when the app was built without a receipts queue', async () => {
    const { call } = api(stores)
    const res = await call('/webhooks/upstream/sim', Keys.admin, {
      method: 'POST',
      json: { type: 'receipt', messageId: 'm', stat: 'DELIVRD', err: 0, doneAt: '2025-03-10T11:59:00Z' },
    })
    expect([res.status, (await res.json()).error.code]).toEqual([503, 'unavailable'])
  })

  it('turns a store failure into a bare 500 and logs it, leaking no table name', async () => {
    // Real tables that do not exist: DynamoDB Local answers ResourceNotFoundException after the key lookup succeeds.
    const tables = { ...local.config.tables, usage: `${local.prefix}-missing-usage` }
    const broken = { ...dynamoStores(local.db, tables, { now: () => Now }), reference: stores.reference, accounts: stores.accounts }
    const { call, log } = api(broken)
    const res = await call('/accounts/acme/usage', Keys.finance)
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'internal error' } })
    expect(text).not.toContain(local.prefix)
    expect(log.errors).toHaveLength(1)
  })
})
