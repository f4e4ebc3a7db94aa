import { beforeEach, describe, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import type { Stores } from '../ports'
import { Status } from '../smpp/status'
import { account, DispatchQueue, ReplyTo, seed, submitJob, T0, type TestDeps, testDeps } from './fixtures'
import type { DispatchJob, SubmitJob } from './jobs'
import { submitMessage } from './submit'
import type { Verdict } from './verdict'

let now: Date
let stores: Stores
let deps: TestDeps
const verdicts = () => deps.queue.bodies<Verdict>(ReplyTo)
const dispatched = () => deps.queue.bodies<DispatchJob>(DispatchQueue)
const balance = async () => (await stores.accounts.get('acme'))!.balance

beforeEach(async () => {
  now = T0
  stores = memoryStores({ now: () => now })
  deps = testDeps(stores, { now: () => now })
  await seed(stores)
})

describe('submit: accept', () => {
  it('charges once, records the message, answers 0 and queues the dispatch in route priority order', async () => {
    const job = submitJob()
    await submitMessage(deps, job)
    expect(verdicts()).toEqual([{ type: 'verdict', messageId: job.messageId, status: 0 }])
    expect(dispatched()).toMatchObject([
      { messageId: job.messageId, destinationAddr: '447700900001', upstreams: ['up-a', 'up-b'], attempt: 0 },
    ])
    expect(await balance()).toBe(1_000 - 7) // 447 at 7 beats 44 at 5: the longest prefix wins
    expect(await stores.messages.get(job.messageId)).toMatchObject({ state: 'ACCEPTED', cost: 7, tariffPrefix: '447', text: 'Hello world' })
    expect(await stores.usage.query('acme', '2025-03-01', '2025-03-01')).toMatchObject([
      { status: 'CHARGED', prefix: '447', messages: 1, parts: 1, cost: 7 },
    ])
  })

  it('bills parts x price', async () => {
    await submitMessage(deps, submitJob({ destinations: [{ addr: '4420', ton: 1, npi: 1 }], parts: 3 }))
    expect(await balance()).toBe(1_000 - 15)
  })

  it('charges once when the same job is delivered twice, and repeats the verdict', async () => {
    const job = submitJob()
    await submitMessage(deps, job)
    await submitMessage(deps, job)
    expect(verdicts().map((v) => v.status)).toEqual([0, 0])
    expect(await balance()).toBe(993)
    expect((await stores.ledger.entries('acme', '2025', '2026', 10)).items).toHaveLength(1)
  })

  it('sends the dispatch job again when a crash lost it after the charge', async () => {
    const job = submitJob()
    const sendBatch = deps.queues.sendBatch
    deps.queues.sendBatch = async (url, bodies) => {
      if (url === DispatchQueue) throw new Error('SQS unavailable')
      return sendBatch(url, bodies)
    }
    await expect(submitMessage(deps, job)).rejects.toThrow('SQS unavailable')
    deps.queues.sendBatch = sendBatch
    await submitMessage(deps, job)
    expect(await balance()).toBe(993)
    // The verdict goes out before the dispatch job, so the retry repeats it; the node ignores the second.
    expect(verdicts().map((v) => v.status)).toEqual([0, 0])
    expect(dispatched().map((d) => d.messageId)).toEqual([job.messageId])
  })
})

describe('submit: refusals, in the issue order', () => {
  const refused = async (job: SubmitJob) => {
    await submitMessage(deps, job)
    return verdicts().at(-1)?.status
  }
  const to = (addr: string, extra: Partial<SubmitJob> = {}) => submitJob({ destinations: [{ addr, ton: 1, npi: 1 }], ...extra })

  it('forbidden content beats blacklist beats price: 0x0403, 0x0404, 0x043C', async () => {
    await stores.reference.putStopWord('*', 'casino')
    await stores.reference.putBlacklist({ owner: 'acme', number: '1999', scope: 'recipient' })
    expect(await refused(to('1999', { text: 'Big CASINO night' }))).toBe(Status.ForbiddenContent)
    expect(await refused(to('1999'))).toBe(Status.Blacklisted)
    expect(await refused(to('1888'))).toBe(Status.NoTariff)
  })

  it('a blacklisted sender is refused with 0x0404', async () => {
    await stores.reference.putBlacklist({ owner: '*', number: '15550001', scope: 'sender' })
    expect(await refused(submitJob())).toBe(Status.Blacklisted)
  })

  it('no route: 0x045A; no upstream tariff: 0x043F', async () => {
    expect(await refused(to('3312'))).toBe(Status.NoRoute)
    expect(await refused(to('4912'))).toBe(Status.NoUpstreamTariff)
  })

  it('the same text to the same number within the window: 0x0453; after the window it passes', async () => {
    expect(await refused(submitJob())).toBe(0)
    expect(await refused(submitJob())).toBe(Status.Duplicate)
    expect(await refused(submitJob({ text: 'Hello again' }))).toBe(0)
    now = new Date(T0.getTime() + 61_000)
    expect(await refused(submitJob({ deadline: now.getTime() + 5_000 }))).toBe(0)
  })

  it('insufficient funds: 0x0433, nothing charged; the credit limit counts', async () => {
    await stores.accounts.create(account({ accountId: 'poor', tariffPlan: 'acme', balance: 6, creditLimit: 0 }))
    expect(await refused(submitJob({ accountId: 'poor' }))).toBe(Status.InsufficientFunds)
    expect((await stores.accounts.get('poor'))!.balance).toBe(6)
    await stores.accounts.create(account({ accountId: 'credit', tariffPlan: 'acme', balance: 6, creditLimit: 1 }))
    expect(await refused(submitJob({ accountId: 'credit' }))).toBe(0)
    expect((await stores.accounts.get('credit'))!.balance).toBe(-1)
  })

  it('a tariff in another currency than the account cannot be billed: 0x043C', async () => {
    await stores.accounts.create(account({ accountId: 'usd', tariffPlan: 'acme', currency: 'USD' }))
    expect(await refused(submitJob({ accountId: 'usd' }))).toBe(Status.NoTariff)
  })

  it('records a refusal once: a redelivery repeats it even when the rule changed since', async () => {
    await stores.reference.putStopWord('acme', 'hello')
    const job = submitJob()
    expect(await refused(job)).toBe(Status.ForbiddenContent)
    await stores.reference.deleteStopWord('acme', 'hello')
    expect(await refused(job)).toBe(Status.ForbiddenContent)
    expect(await balance()).toBe(1_000)
  })

  it('a disabled account is refused with ESME_RSUBMITFAIL', async () => {
    await stores.accounts.update('acme', { enabled: false })
    expect(await refused(submitJob())).toBe(Status.SubmitFail)
  })
})

describe('submit: deadline and failures', () => {
  it('drops a job past its deadline: no verdict, no charge, the 0x0402 the node answered recorded', async () => {
    const job = submitJob({ deadline: T0.getTime() - 1 })
    expect(await submitMessage(deps, job)).toBeUndefined()
    expect(deps.queue.sent).toEqual([])
    expect(await stores.ledger.decision(job.messageId)).toMatchObject({ status: Status.NotRegistered })
    expect(await balance()).toBe(1_000)
  })

  it('a job charged and answered by a run killed before its dispatch job, redelivered past its deadline: dispatched, charged once', async () => {
    const job = submitJob({ deadline: T0.getTime() + 4_000 })
    await submitMessage(deps, job)
    expect(verdicts()).toEqual([{ type: 'verdict', messageId: job.messageId, status: 0 }])
    deps.queue.sent.length = 0 // the kill: the dispatch job never left
    now = new Date(T0.getTime() + 10_000) // SQS offers the job again after the visibility timeout, past the deadline
    await submitMessage(deps, job)
    expect(dispatched()).toMatchObject([{ messageId: job.messageId, attempt: 0 }])
    expect(await balance()).toBe(1_000 - 7)
  })

  it('loses the race to the node: its 0x0402 decision stands and nothing is charged', async () => {
    const job = submitJob()
    await stores.ledger.decide({ messageId: job.messageId, status: Status.NotRegistered, decidedAt: T0.toISOString() }, 0)
    expect(await submitMessage(deps, job)).toBeUndefined()
    expect(deps.queue.sent).toEqual([])
    expect(await balance()).toBe(1_000)
  })

  it('lets an unexpected failure propagate, and charges nothing', async () => {
    stores.reference.stopWords = async () => {
      throw new Error('throttled by DynamoDB')
    }
    const job = submitJob()
    await expect(submitMessage(deps, job)).rejects.toThrow('throttled')
    expect(deps.queue.sent).toEqual([])
    expect(await stores.ledger.decision(job.messageId)).toBeUndefined()
    expect(await balance()).toBe(1_000)
  })

  it('two submits racing for the last of the balance: exactly one is charged', async () => {
    await stores.accounts.create(account({ accountId: 'last', tariffPlan: 'acme', balance: 7, duplicateWindowSec: 0 }))
    const jobs = [submitJob({ accountId: 'last' }), submitJob({ accountId: 'last' })]
    await Promise.all(jobs.map((j) => submitMessage(deps, j)))
    expect(
      verdicts()
        .map((v) => v.status)
        .sort(),
    ).toEqual([0, Status.InsufficientFunds])
    expect((await stores.accounts.get('last'))!.balance).toBe(0)
  })
})

describe('submit: asynchronous refusals', () => {
  beforeEach(async () => {
    await stores.accounts.update('acme', { refusalMode: 'async' })
    await stores.sessions.put({
      accountId: 'acme',
      nodeId: 'node-2',
      sessionId: 's1',
      bindType: 'receiver',
      callbackQueueUrl: 'queue://callback-node-2',
      boundAt: T0.toISOString(),
      expiresAt: T0.getTime() / 1000 + 60,
    })
  })

  it('turns a refusal into a REJECTD receipt with the platform code, once, and nudges a receiver node', async () => {
    const job = submitJob({ async: true, destinations: [{ addr: '1888', ton: 1, npi: 1 }] })
    await submitMessage(deps, job)
    await submitMessage(deps, job) // redelivered: same decision, no second receipt
    expect(verdicts()).toEqual([])
    const pending = await stores.pending.list('acme', T0, 10)
    expect(pending).toHaveLength(1)
    const text = Buffer.from(pending[0].deliver.shortMessage, 'base64').toString('latin1')
    expect(text).toMatch(new RegExp(`^id:${job.messageId} sub:001 dlvrd:000 .* stat:REJECTD err:43C text:Hello world$`))
    expect(pending[0].deliver).toMatchObject({ kind: 'receipt', esmClass: 0x04, receiptedMessageId: job.messageId, messageState: 8 })
    expect(deps.queue.bodies('queue://callback-node-2')).toEqual([
      { type: 'deliver', accountId: 'acme', pendingSk: pending[0].sk, deliver: pending[0].deliver },
    ])
  })

  it('ignores the deadline: the node answered 0 at once and does not race, so a backlog refuses nothing', async () => {
    await submitMessage(deps, submitJob({ async: true, deadline: T0.getTime() - 1 }))
    expect(dispatched()).toHaveLength(1)
    expect(await balance()).toBe(993)
  })

  it('an accepted async job is charged and dispatched without a verdict', async () => {
    await submitMessage(deps, submitJob({ async: true }))
    expect(verdicts()).toEqual([])
    expect(dispatched()).toHaveLength(1)
    expect(await stores.pending.list('acme', T0, 10)).toEqual([])
  })
})

describe('submit_multi', () => {
  it('decides each destination: accepted ones charged under their own ids, refused ones in unsuccess', async () => {
    await stores.reference.putBlacklist({ owner: '*', number: '447700900002', scope: 'recipient' })
    const job = submitJob({
      command: 'submit_multi',
      destinations: [
        { addr: '447700900001', ton: 1, npi: 1 },
        { addr: '447700900002', ton: 1, npi: 1 },
        { addr: '1888', ton: 2, npi: 0 },
        { addr: '4420', ton: 1, npi: 1 },
      ],
    })
    await submitMessage(deps, job)
    await submitMessage(deps, job) // redelivered: same verdict, nothing charged twice
    const expected = {
      type: 'verdict',
      messageId: job.messageId,
      status: 0,
      unsuccess: [
        { addr: '447700900002', ton: 1, npi: 1, status: Status.Blacklisted },
        { addr: '1888', ton: 2, npi: 0, status: Status.NoTariff },
      ],
    }
    expect(verdicts()).toEqual([expected, expected])
    // Not yet dispatched when redelivered, so the jobs go out again: the dispatch guard makes that harmless.
    expect(new Set(dispatched().map((d) => d.messageId))).toEqual(new Set([job.messageId, `${job.messageId}#3`]))
    expect(await balance()).toBe(1_000 - 7 - 5)
  })

  it('all destinations refused: the first status, every destination in unsuccess', async () => {
    const job = submitJob({
      command: 'submit_multi',
      destinations: [
        { addr: '1888', ton: 1, npi: 1 },
        { addr: '3312', ton: 1, npi: 1 },
      ],
    })
    await submitMessage(deps, job)
    expect(verdicts()[0]).toMatchObject({ status: Status.NoTariff, unsuccess: [{ status: Status.NoTariff }, { status: Status.NoRoute }] })
  })
})
