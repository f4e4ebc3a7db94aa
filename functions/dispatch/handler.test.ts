import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dynamoStores } from '../../lib/adapters/dynamo'
import { ensureCallbackQueue, sqsQueues } from '../../lib/adapters/sqs'
import { drain, seed, sqsEvent, submitJob } from '../../lib/domain/fixtures'
import type { DeliverMessage, DispatchJob } from '../../lib/domain/jobs'
import { submitMessage } from '../../lib/domain/submit'
import type { Stores } from '../../lib/ports'
import { physicalName } from '../../lib/resources'
import { type LocalServices, localServices } from '../../test/local-services'
import type { SqsEvent } from '../types'
import { buildDeps } from '../wiring'

// A carrier on 127.0.0.1: /ok accepts (and checks the bearer secret), /fail answers 500.
const received: { path: string; auth?: string; messageId: string }[] = []
let carrier: Server
let base: string
let svc: LocalServices
let stores: Stores
let queues: ReturnType<typeof sqsQueues>
let receiverQueue: string
let handler: (e: SqsEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>

beforeAll(async () => {
  carrier = createServer((req, res) => {
    let raw = ''
    req.on('data', (c) => (raw += c))
    req.on('end', () => {
      received.push({ path: req.url ?? '', auth: req.headers.authorization, messageId: JSON.parse(raw).messageId })
      if (req.url === '/ok' && req.headers.authorization === 'Bearer tok') res.writeHead(200).end(`{"id":"c-${received.length}"}`)
      else res.writeHead(500).end()
    })
  })
  await new Promise<void>((r) => carrier.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(carrier.address() as AddressInfo).port}`
  svc = await localServices()
  Object.assign(process.env, svc.env, { SECRET_CARRIER: 'tok' })
  stores = dynamoStores(svc.db, svc.config.tables)
  queues = sqsQueues(svc.sqs)
  await seed(stores, undefined, `${base}/fail`)
  receiverQueue = await ensureCallbackQueue(svc.sqs, physicalName(svc.prefix, 'callback-rx'))
  await stores.sessions.put({
    accountId: 'acme',
    nodeId: 'rx',
    sessionId: 's1',
    bindType: 'receiver',
    callbackQueueUrl: receiverQueue,
    boundAt: new Date().toISOString(),
    expiresAt: Math.floor(Date.now() / 1000) + 600,
  })
  ;({ handler } = await import('./handler'))
})
afterAll(() => {
  carrier?.closeAllConnections()
  carrier?.close()
})

/** An accepted, charged message and its dispatch job, through the real submit path. */
async function accepted(text: string): Promise<DispatchJob> {
  const deps = buildDeps(svc.config)
  const replyTo = await ensureCallbackQueue(svc.sqs, physicalName(svc.prefix, 'callback-tx'))
  await submitMessage(deps, submitJob({ replyTo, text, receivedAt: new Date().toISOString(), deadline: Date.now() + 60_000 }))
  const [job] = await drain<DispatchJob>(queues, svc.config.queues.dispatch, 1)
  return job
}

describe('dispatch handler against an HTTP upstream on 127.0.0.1', () => {
  it('every upstream failing: UNDELIVERABLE 0x0446, refunded once, receipt stored and sent to the receiver node', async () => {
    const job = await accepted('doomed')
    const charged = (await stores.accounts.get('acme'))!.balance
    expect(await handler(sqsEvent(job, job))).toEqual({ batchItemFailures: [] })
    expect(received.map((r) => r.path)).toEqual(['/fail', '/fail', '/fail', '/fail']) // up-a, up-b, up-a, up-b; the copy sent nothing
    expect(await stores.messages.get(job.messageId)).toMatchObject({ state: 'UNDELIVERABLE', errorCode: 0x0446, refunded: true })
    expect((await stores.accounts.get('acme'))!.balance).toBe(charged + 7)
    const [pending] = await stores.pending.list('acme', new Date(), 10)
    expect(Buffer.from(pending.deliver.shortMessage, 'base64').toString('latin1')).toMatch(/stat:UNDELIV err:446 text:doomed$/)
    const [nudge] = await drain<DeliverMessage>(queues, receiverQueue, 1)
    expect(nudge).toMatchObject({
      type: 'deliver',
      accountId: 'acme',
      pendingSk: pending.sk,
      deliver: { receiptedMessageId: job.messageId },
    })
  })

  it('sends once with the bearer secret, however often the job arrives, and records the carrier id', async () => {
    await stores.reference.putUpstream({ upstreamId: 'up-a', kind: 'http', url: `${base}/ok`, secretRef: 'carrier', timeoutMs: 1_000 })
    received.length = 0
    const job = await accepted('fine')
    expect(await handler(sqsEvent(job, job))).toEqual({ batchItemFailures: [] })
    expect(await handler(sqsEvent(job))).toEqual({ batchItemFailures: [] })
    expect(received).toEqual([{ path: '/ok', auth: 'Bearer tok', messageId: job.messageId }])
    expect(await stores.messages.get(job.messageId)).toMatchObject({ state: 'ENROUTE', upstreamId: 'up-a', upstreamMessageId: 'c-1' })
    expect(await stores.messages.byUpstreamId('up-a', 'c-1')).toMatchObject({ messageId: job.messageId })
  })

  it('a body that is not a dispatch job is reported alone', async () => {
    const res = await handler(sqsEvent({ id: 'bad', raw: '{"v":2}' }))
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] })
  })
})
