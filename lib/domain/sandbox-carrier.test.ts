import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs'
import { beforeAll, describe, expect, it } from 'vitest'
import { localClients, tempQueue } from '../../test/local-services'
import { sqsDelayedSender } from '../adapters/sqs/delayed-sender'
import { sqsQueues } from '../adapters/sqs/queues'
import type { UpstreamEvent } from './jobs'
import { type SandboxCarrierDeps, sandboxSubmit } from './sandbox-carrier'
import { TestPrefixes } from './test-destinations'

// Against the real SQS server: the receipts' DelaySeconds are what SQS holds back, not a call count.
const { sqs } = localClients()
const queues = sqsQueues(sqs)
let url: string
let ids = 0
const deps = (over: Partial<SandboxCarrierDeps> = {}): SandboxCarrierDeps => ({
  receipts: sqsDelayedSender(sqs),
  receiptsQueueUrl: url,
  secret: async () => 's3cret',
  upstreamId: 'sandbox',
  receiptDelayMs: 0,
  now: () => new Date('2026-03-10T12:00:00.000Z'),
  newId: () => `id${++ids}`,
  ...over,
})
const auth = 'Bearer s3cret'
const request = (messageId: string, to: string) => ({
  messageId,
  from: 'DEMO',
  to,
  dataCoding: 0,
  esmClass: 0,
  registeredDelivery: 1,
  shortMessage: 'aGk=',
})

async function drain(count: number): Promise<UpstreamEvent[]> {
  const got: UpstreamEvent[] = []
  for (let i = 0; i < 50 && got.length < count; i++) {
    for (const m of await queues.receive(url, 10, 1)) {
      got.push(JSON.parse(m.body))
      await queues.delete(url, m.receiptHandle)
    }
  }
  return got
}
const delayed = async () =>
  Number(
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }))).Attributes
      ?.ApproximateNumberOfMessagesDelayed,
  )

beforeAll(async () => {
  ;({ url } = await tempQueue(sqs, { visibilityTimeoutSec: 30 }))
})

describe('the sandbox upstream on AWS (issue 19)', () => {
  it('accepts a submit with the bearer secret and queues its receipt for the DLR function', async () => {
    const res = await sandboxSubmit(deps(), auth, request('m-ok', '447700900123'))
    expect(res).toEqual({ status: 200, body: { id: 'sbx-id1' } })
    expect(await drain(1)).toEqual([
      {
        type: 'receipt',
        upstreamId: 'sandbox',
        messageId: 'm-ok',
        upstreamMessageId: 'sbx-id1',
        stat: 'DELIVRD',
        err: 0,
        doneAt: '2026-03-10T12:00:00.000Z',
      },
    ])
  })

  it.each([
    [`${TestPrefixes.Undeliverable}1`, 'UNDELIV', 1],
    [`${TestPrefixes.Expired}1`, 'EXPIRED', 0],
    [`${TestPrefixes.Rejected}1`, 'REJECTD', 2],
  ])('%s: receipt %s err %i', async (to, stat, err) => {
    expect((await sandboxSubmit(deps(), auth, request(`m-${to}`, to))).status).toBe(200)
    expect(await drain(1)).toEqual([expect.objectContaining({ messageId: `m-${to}`, stat, err })])
  })

  it('holds the receipts back by SQS DelaySeconds, one delay apart: nothing sleeps', async () => {
    const res = await sandboxSubmit(deps({ receiptDelayMs: 60_000 }), auth, request('m-enroute', `${TestPrefixes.EnrouteThenDelivered}1`))
    expect(res.status).toBe(200)
    expect(await delayed()).toBe(2) // ENROUTE at 60 s and DELIVRD at 120 s, invisible until then
    expect(await queues.receive(url, 10, 0)).toEqual([])
  })

  it.each([
    [TestPrefixes.TransportError, 503],
    [TestPrefixes.Slow, 504],
  ])('%s: answered %i at once, with no receipt', async (prefix, status) => {
    const before = await delayed()
    expect((await sandboxSubmit(deps(), auth, request(`m-${prefix}`, `${prefix}1`))).status).toBe(status)
    expect(await queues.receive(url, 10, 0)).toEqual([])
    expect(await delayed()).toBe(before)
  })

  it('refuses a wrong or missing secret, a bad body, and everything when no secret is provisioned', async () => {
    const body = request('m-x', '447700900123')
    expect((await sandboxSubmit(deps(), 'Bearer guess', body)).status).toBe(401)
    expect((await sandboxSubmit(deps(), undefined, body)).status).toBe(401)
    expect((await sandboxSubmit(deps(), auth, { to: '1' })).status).toBe(400)
    expect((await sandboxSubmit(deps({ secret: async () => undefined }), auth, body)).status).toBe(503)
    expect(await queues.receive(url, 10, 0)).toEqual([])
  })
})
