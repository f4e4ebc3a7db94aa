import { beforeAll, describe, expect, it } from 'vitest'
import { dynamoStores } from '../../lib/adapters/dynamo'
import { ensureCallbackQueue, sqsQueues } from '../../lib/adapters/sqs'
import { account, drain, drainVerdicts, seed, sqsEvent, submitJob } from '../../lib/domain/fixtures'
import type { DispatchJob, SubmitJob } from '../../lib/domain/jobs'
import type { Verdict } from '../../lib/domain/verdict'
import type { Stores } from '../../lib/ports'
import { physicalName } from '../../lib/resources'
import { Status } from '../../lib/smpp/status'
import { type LocalServices, localServices } from '../../test/local-services'
import type { SqsEvent } from '../types'

// The real handler on DynamoDB Local and the SQS server: the same adapters as on AWS.
let svc: LocalServices
let stores: Stores
let queues: ReturnType<typeof sqsQueues>
let replyTo: string
let handler: (e: SqsEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>
const live = (job: Partial<SubmitJob> = {}) =>
  submitJob({ replyTo, receivedAt: new Date().toISOString(), deadline: Date.now() + 60_000, ...job })
const balance = async (id = 'acme') => (await stores.accounts.get(id))!.balance
const verdicts = (n: number): Promise<Verdict[]> => drainVerdicts(queues, replyTo, n)

beforeAll(async () => {
  svc = await localServices()
  Object.assign(process.env, svc.env)
  stores = dynamoStores(svc.db, svc.config.tables)
  queues = sqsQueues(svc.sqs)
  replyTo = await ensureCallbackQueue(svc.sqs, physicalName(svc.prefix, 'callback-n1'))
  await seed(stores)
  // The refusal test's rules exist before the first submit reads them: the handler keeps what it read for
  // ReferenceCacheMs (functions/reference-cache.ts), so a rule added after a read takes that long to apply.
  await stores.reference.putStopWord('*', 'jackpot')
  await stores.reference.putBlacklist({ owner: 'acme', number: '447700900666', scope: 'recipient' })
  ;({ handler } = await import('./handler'))
})

describe('submit handler on DynamoDB Local and SQS', () => {
  it('the same SQS message delivered twice charges once and repeats the verdict', async () => {
    const before = await balance()
    const job = live()
    const event = sqsEvent(job)
    expect(await handler(event)).toEqual({ batchItemFailures: [] })
    expect(await handler(event)).toEqual({ batchItemFailures: [] })
    expect((await verdicts(2)).map((v) => [v.messageId, v.status])).toEqual([
      [job.messageId, 0],
      [job.messageId, 0],
    ])
    expect(await balance()).toBe(before - 7)
    expect(await stores.messages.get(job.messageId)).toMatchObject({ state: 'ACCEPTED', cost: 7 })
    const dispatched = await drain<DispatchJob>(queues, svc.config.queues.dispatch, 2)
    expect(dispatched.map((d) => d.messageId)).toEqual([job.messageId, job.messageId]) // the dispatch guard drops the copy
  })

  it('two concurrent submits racing for the last of the balance charge exactly one', async () => {
    await stores.accounts.create(account({ accountId: 'last', balance: 7, duplicateWindowSec: 0 }))
    const jobs = [live({ accountId: 'last' }), live({ accountId: 'last' })]
    const results = await Promise.all(jobs.map((j) => handler(sqsEvent(j))))
    expect(results).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }])
    expect((await verdicts(2)).map((v) => v.status).sort()).toEqual([0, Status.InsufficientFunds])
    expect(await balance('last')).toBe(0)
  })

  it('two concurrent batches on one account whose balance covers only some: exactly those accepted, 0x0433 for the rest', async () => {
    // Issue 12. A top-up spreads the balance over the shards; 55 pays for 7 of the 12 messages of 7.
    await stores.accounts.create(account({ accountId: 'split', balance: 0, creditLimit: 0, duplicateWindowSec: 0 }))
    await stores.accounts.credit({ accountId: 'split', entryId: 'split-topup', at: new Date().toISOString(), kind: 'topup', amount: 55 })
    const batch = (tag: string) => Array.from({ length: 6 }, (_, k) => live({ accountId: 'split', text: `${tag} ${k}` }))
    const [a, b] = [batch('a'), batch('b')]
    const results = await Promise.all([handler(sqsEvent(...a)), handler(sqsEvent(...b))])
    expect(results).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }])
    const statuses = (await verdicts(12)).map((v) => v.status)
    expect(statuses.filter((s) => s === 0)).toHaveLength(7)
    expect(statuses.filter((s) => s === Status.InsufficientFunds)).toHaveLength(5)
    expect((await stores.accounts.getExact('split'))!.balance).toBe(55 - 7 * 7)
    const accepted = await Promise.all([...a, ...b].map((j) => stores.messages.get(j.messageId)))
    expect(accepted.filter(Boolean)).toHaveLength(7)
    await drain(queues, svc.config.queues.dispatch, 7)
  })

  it('a record failing mid-batch is the only one reported; a redelivery charges nothing twice', async () => {
    await drain(queues, svc.config.queues.dispatch, 10, 200)
    const before = await balance()
    // Issue 18, item 4: a callback queue that does not exist (a node deleted it at the end of its drain). The charge
    // commits and the verdict has nobody to reach: the record does not fail, and the message still goes to the carrier.
    const goneUrl = replyTo.replace(/[^/]+$/, physicalName(svc.prefix, 'callback-gone'))
    const [good1, gone, good2] = [live({ text: 'first' }), live({ replyTo: goneUrl, text: 'gone one' }), live({ text: 'second' })]
    const event = sqsEvent(good1, { id: 'poison', raw: '{"v":1,"messageId":' }, { id: 'gone', raw: JSON.stringify(gone) }, good2)
    const first = await handler(event)
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'poison' }])
    // The records of a batch run at once: verdicts arrive in any order.
    expect((await verdicts(2)).map((v) => v.messageId).sort()).toEqual([good1.messageId, good2.messageId].sort())
    expect(await balance()).toBe(before - 3 * 7)
    const ids = (await drain<DispatchJob>(queues, svc.config.queues.dispatch, 4)).map((d) => d.messageId)
    expect(ids.sort()).toEqual([good1.messageId, good2.messageId, gone.messageId].sort())

    // SQS delivers the whole batch again: the same verdicts and nothing charged twice (a repeated dispatch job is
    // the dispatch guard's to drop).
    const again = await handler(event)
    expect(again.batchItemFailures).toEqual([{ itemIdentifier: 'poison' }])
    expect((await verdicts(2)).map((v) => v.messageId).sort()).toEqual([good1.messageId, good2.messageId].sort())
    expect(await balance()).toBe(before - 3 * 7)
    await drain(queues, svc.config.queues.dispatch, 3, 500)
  })

  it('a job past its deadline is dropped without a charge or a verdict', async () => {
    const before = await balance()
    const job = live({ deadline: Date.now() - 1, text: 'too late' })
    expect(await handler(sqsEvent(job))).toEqual({ batchItemFailures: [] })
    expect(await stores.ledger.decision(job.messageId)).toMatchObject({ status: Status.NotRegistered }) // as the node answered
    expect(await drain(queues, replyTo, 1, 300)).toEqual([])
    expect(await balance()).toBe(before)
  })

  it('produces every refusal code of the submit path', async () => {
    await stores.accounts.create(account({ accountId: 'broke', balance: 3 }))
    const to = (addr: string, extra: Partial<SubmitJob> = {}) => live({ destinations: [{ addr, ton: 1, npi: 1 }], ...extra })
    const cases: [SubmitJob, number][] = [
      [to('447700900100', { text: 'You won the JACKPOT' }), Status.ForbiddenContent],
      [to('447700900666'), Status.Blacklisted],
      [to('1212'), Status.NoTariff],
      [to('3312'), Status.NoRoute],
      [to('4912'), Status.NoUpstreamTariff],
      [to('447700900200', { accountId: 'broke' }), Status.InsufficientFunds],
      [to('447700900300', { text: 'dup' }), 0],
      [to('447700900300', { text: 'dup' }), Status.Duplicate],
    ]
    for (const [job] of cases) expect(await handler(sqsEvent(job))).toEqual({ batchItemFailures: [] })
    const got = await verdicts(cases.length)
    expect(got.map((v) => [v.messageId, v.status])).toEqual(cases.map(([job, status]) => [job.messageId, status]))
  })
})
