import { beforeEach, describe, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import type { Stores } from '../ports'
import { Status } from '../smpp/status'
import { account, DispatchQueue, ReplyTo, seed, submitJob, T0, type TestDeps, testDeps, verdictsIn } from './fixtures'
import type { DispatchJob, SubmitJob, VerdictBundle } from './jobs'
import { submitBatch, submitMessage } from './submit'

// Issue 12: a batch is decided per account and charged together; each job still gets its own verdict.
let stores: Stores
let deps: TestDeps
let batchSends: string[]
const verdicts = () => verdictsIn(deps.queue.bodies(ReplyTo))
const statusOf = (job: SubmitJob) => verdicts().filter((v) => v.messageId === job.messageId)
const balance = async (id: string) => (await stores.accounts.get(id))!.balance
const charges = async (id: string) =>
  (await stores.ledger.entries(id, '2025', '2026', 100)).items.filter((e) => e.kind === 'charge').map((e) => e.messageIds ?? [e.messageId])
const to = (addr: string, extra: Partial<SubmitJob> = {}) => submitJob({ destinations: [{ addr, ton: 1, npi: 1 }], ...extra })

beforeEach(async () => {
  stores = memoryStores({ now: () => T0 })
  deps = testDeps(stores, { now: () => T0 })
  await seed(stores)
  await stores.accounts.create(account({ accountId: 'poor', balance: 7, duplicateWindowSec: 0 }))
  await stores.reference.putBlacklist({ owner: 'acme', number: '447700900666', scope: 'recipient' })
  batchSends = []
  const sendBatch = deps.queues.sendBatch
  deps.queues.sendBatch = async (url, bodies) => {
    batchSends.push(url)
    return sendBatch(url, bodies)
  }
})

describe('submitBatch', () => {
  it('a batch mixing accounts, refusals, duplicates and redeliveries: each job its own verdict, each charge once', async () => {
    const redelivered = to('447700900002', { text: 'sent before' })
    await submitMessage(deps, redelivered)
    deps.queue.sent.length = 0
    batchSends = []
    const accepted = to('447700900001', { text: 'hello' })
    const jobs = [
      accepted,
      to('447700900001', { text: 'hello' }), // same text, same number, in the window: 0x0453
      to('447700900666'), // blacklisted recipient
      redelivered,
      to('447700900003', { accountId: 'poor', text: 'a' }), // 7 of 7
      to('447700900004', { accountId: 'poor', text: 'b' }), // nothing left
      submitJob({
        command: 'submit_multi',
        destinations: [
          { addr: '4420', ton: 1, npi: 1 },
          { addr: '1212', ton: 1, npi: 1 },
        ],
      }),
      accepted, // SQS delivered it twice in one batch
    ]
    const outcomes = await submitBatch(deps, jobs)
    expect(outcomes.every((o) => 'verdict' in o)).toBe(true)
    const got = outcomes.map((o) => ('verdict' in o ? o.verdict?.status : 'error'))
    expect(got).toEqual([0, Status.Duplicate, Status.Blacklisted, 0, 0, Status.InsufficientFunds, 0, 0])
    expect(outcomes[6]).toMatchObject({ verdict: { unsuccess: [{ addr: '1212', status: Status.NoTariff }] } })
    // One verdict per distinct job, all in one callback message (issue 16: a bundle); then one sendBatch of dispatch jobs.
    const bodies = deps.queue.bodies<VerdictBundle>(ReplyTo)
    expect(bodies.map((b) => [b.type, b.verdicts.length])).toEqual([['verdicts', 7]])
    expect(verdicts()).toHaveLength(7)
    expect(statusOf(accepted)).toEqual([{ type: 'verdict', messageId: accepted.messageId, status: 0 }])
    expect(batchSends).toEqual([ReplyTo, DispatchQueue])
    expect(
      deps.queue
        .bodies<DispatchJob>(DispatchQueue)
        .map((d) => d.messageId)
        .sort(),
      // The redelivered record is still ACCEPTED without an upstream: its dispatch job goes again (the guard drops a copy).
    ).toEqual([redelivered.messageId, accepted.messageId, jobs[4].messageId, jobs[6].messageId].sort())
    // acme: the earlier 7, then 7 + 5 in one line; poor: 7 in its own line.
    expect(await balance('acme')).toBe(1_000 - 7 - 7 - 5)
    expect(await balance('poor')).toBe(0)
    expect(await charges('acme')).toEqual([[redelivered.messageId], [accepted.messageId, jobs[6].messageId]])
    expect(await charges('poor')).toEqual([[jobs[4].messageId]])
  })

  it('issue 16: one bundle per reply queue, and a queue with one verdict gets it alone, as nodes before bundles read it', async () => {
    const other = 'queue://callback-node-2'
    const jobs = [to('447700900001', { text: 'a' }), to('447700900002', { replyTo: other }), to('447700900003', { text: 'c' })]
    await submitBatch(deps, jobs)
    expect(deps.queue.bodies(ReplyTo)).toEqual([
      {
        type: 'verdicts',
        verdicts: [
          { messageId: jobs[0].messageId, status: 0 },
          { messageId: jobs[2].messageId, status: 0 },
        ],
      },
    ])
    expect(deps.queue.bodies(other)).toEqual([{ type: 'verdict', messageId: jobs[1].messageId, status: 0 }])
    expect(batchSends.filter((u) => u !== DispatchQueue).sort()).toEqual([ReplyTo, other].sort())
  })

  it('a failure in one account group fails only its records; the others are answered and charged', async () => {
    const stopWords = stores.reference.stopWords.bind(stores.reference)
    stores.reference.stopWords = async (id) => {
      if (id === 'poor') throw new Error('throttled by DynamoDB')
      return stopWords(id)
    }
    const jobs = [to('447700900001', { accountId: 'poor' }), to('447700900001', { text: 'fine' })]
    const outcomes = await submitBatch(deps, jobs)
    expect('error' in outcomes[0]).toBe(true)
    expect(outcomes[1]).toEqual({ verdict: { type: 'verdict', messageId: jobs[1].messageId, status: 0 } })
    expect(verdicts().map((v) => v.messageId)).toEqual([jobs[1].messageId])
    expect(await balance('poor')).toBe(7)
    expect(await balance('acme')).toBe(993)
  })

  it('a crash after the commit, before the verdicts: the redelivery answers the same verdicts and charges nothing more', async () => {
    const jobs = [
      to('447700900001', { accountId: 'poor', text: 'x' }),
      to('447700900002', { accountId: 'poor', text: 'y' }),
      to('447700900003'),
    ]
    const sendBatch = deps.queues.sendBatch
    deps.queues.sendBatch = async () => {
      throw new Error('SQS unavailable')
    }
    const crashed = await submitBatch(deps, jobs)
    expect(crashed.every((o) => 'error' in o)).toBe(true)
    expect([await balance('poor'), await balance('acme')]).toEqual([0, 993])
    deps.queues.sendBatch = sendBatch
    const again = await submitBatch(deps, jobs)
    expect(again.map((o) => ('verdict' in o ? o.verdict?.status : 'error'))).toEqual([0, Status.InsufficientFunds, 0])
    expect([await balance('poor'), await balance('acme')]).toEqual([0, 993])
    expect((await charges('poor')).flat()).toEqual([jobs[0].messageId])
    // The dispatch jobs lost with the crash are sent by the redelivery.
    expect(deps.queue.bodies<DispatchJob>(DispatchQueue).map((d) => d.messageId)).toEqual([jobs[0].messageId, jobs[2].messageId])
  })

  it("the node's 0x0402 on destination 0 of a submit_multi stops the whole job, even in a batch", async () => {
    const multi = submitJob({
      command: 'submit_multi',
      destinations: [
        { addr: '4420', ton: 1, npi: 1 },
        { addr: '4421', ton: 1, npi: 1 },
      ],
    })
    await stores.ledger.decide({ messageId: multi.messageId, status: Status.NotRegistered, decidedAt: T0.toISOString() }, 0)
    const other = to('447700900001')
    const outcomes = await submitBatch(deps, [multi, other])
    expect(outcomes).toEqual([{}, { verdict: { type: 'verdict', messageId: other.messageId, status: 0 } }])
    expect(await stores.ledger.decision(`${multi.messageId}#1`)).toBeUndefined()
    expect(await balance('acme')).toBe(993)
  })
})
