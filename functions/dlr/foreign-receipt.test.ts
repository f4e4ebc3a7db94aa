import { beforeAll, describe, expect, it } from 'vitest'
import { dynamoStores } from '../../lib/adapters/dynamo'
import { ensureCallbackQueue, sqsQueues } from '../../lib/adapters/sqs'
import { drain, seed, sqsEvent, submitJob } from '../../lib/domain/fixtures'
import type { DispatchJob, UpstreamEvent } from '../../lib/domain/jobs'
import { submitMessage } from '../../lib/domain/submit'
import type { Stores } from '../../lib/ports'
import { physicalName } from '../../lib/resources'
import { type LocalServices, localServices } from '../../test/local-services'
import type { SqsEvent } from '../types'
import { buildDeps } from '../wiring'

let svc: LocalServices
let stores: Stores
let handler: (e: SqsEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>

beforeAll(async () => {
  svc = await localServices()
  Object.assign(process.env, svc.env)
  stores = dynamoStores(svc.db, svc.config.tables)
  await seed(stores)
  ;({ handler } = await import('./handler'))
})

async function charged(text: string): Promise<string> {
  const replyTo = await ensureCallbackQueue(svc.sqs, physicalName(svc.prefix, 'callback-tx'))
  await submitMessage(
    buildDeps(svc.config),
    submitJob({ replyTo, text, receivedAt: new Date().toISOString(), deadline: Date.now() + 60_000 }),
  )
  const [job] = await drain<DispatchJob>(sqsQueues(svc.sqs), svc.config.queues.dispatch, 1)
  return job.messageId
}
const undeliv = (upstreamId: string, messageId: string): UpstreamEvent => ({
  type: 'receipt',
  upstreamId,
  messageId,
  stat: 'UNDELIV',
  err: 0x0b,
  doneAt: new Date().toISOString(),
})

// Issue 13, item 4: an upstream's webhook key posted UNDELIV for a message routed to another upstream,
// and it was refunded and marked UNDELIVERABLE.
describe('receipts only from the upstream a message was dispatched to (DLR handler, DynamoDB Local)', () => {
  it("drops another upstream's receipt: no state change, no refund", async () => {
    const id = await charged('routed to up-a')
    await stores.messages.setUpstream(id, 'up-a', 'c-1')
    await stores.messages.transition(id, ['ACCEPTED'], 'ENROUTE', { upstreamId: 'up-a', upstreamMessageId: 'c-1' })
    const balance = (await stores.accounts.get('acme'))!.balance
    expect(await handler(sqsEvent(undeliv('up-b', id)))).toEqual({ batchItemFailures: [] })
    expect((await stores.messages.get(id))!.state).toBe('ENROUTE')
    expect((await stores.accounts.get('acme'))!.balance).toBe(balance)
    expect(await handler(sqsEvent(undeliv('up-a', id)))).toEqual({ batchItemFailures: [] })
    expect((await stores.messages.get(id))!.state).toBe('UNDELIVERABLE')
  })

  it('retries a receipt for a message whose upstream is not recorded yet', async () => {
    const id = await charged('not yet sent')
    expect(await handler(sqsEvent(undeliv('up-b', id)))).toEqual({ batchItemFailures: [{ itemIdentifier: 'r0' }] })
    expect((await stores.messages.get(id))!.state).toBe('ACCEPTED')
  })
})
