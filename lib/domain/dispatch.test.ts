import { beforeEach, describe, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import type { Stores } from '../ports'
import { DispatchRun, dispatchTimeoutFor, dispatchTimeoutSec, LocalQueues, Queues } from '../resources'
import { Status } from '../smpp/status'
import { attemptsFor, DispatchPolicy, dispatchMessage } from './dispatch'
import { DispatchQueue, scriptedConnector, seed, submitJob, T0, type TestDeps, testDeps } from './fixtures'
import { epochSec } from './ids'
import type { DispatchJob, SubmitJob } from './jobs'
import { submitMessage } from './submit'

let stores: Stores
const balance = async () => (await stores.accounts.get('acme'))!.balance

async function accepted(outcomes: Record<string, 'ok' | 'fail'>, job: Partial<SubmitJob> = {}) {
  const connector = scriptedConnector(outcomes)
  const deps = testDeps(stores, { now: () => T0, connector })
  await submitMessage(deps, submitJob(job))
  const [dispatch] = deps.queue.bodies<DispatchJob>(DispatchQueue)
  return { deps, connector, dispatch }
}
const receiptText = async (deps: TestDeps) =>
  (await deps.stores.pending.list('acme', T0, 10)).map((p) => Buffer.from(p.deliver.shortMessage, 'base64').toString('latin1'))

beforeEach(async () => {
  stores = memoryStores({ now: () => T0 })
  await seed(stores)
})

describe('dispatch', () => {
  it('hands the message to the first upstream, records its id and moves it to ENROUTE', async () => {
    const { deps, connector, dispatch } = await accepted({ 'up-a': 'ok' })
    await dispatchMessage(deps, dispatch)
    expect(connector.calls).toEqual([{ upstreamId: 'up-a', messageId: dispatch.messageId }])
    expect(await stores.messages.get(dispatch.messageId)).toMatchObject({
      state: 'ENROUTE',
      upstreamId: 'up-a',
      upstreamMessageId: 'up-a-1',
    })
    expect(await stores.messages.byUpstreamId('up-a', 'up-a-1')).toMatchObject({ messageId: dispatch.messageId })
  })

  it('a carrier whose receipts name our id gets its id on the record, not in the byUpstreamId index (issue 12)', async () => {
    await stores.reference.putUpstream({
      upstreamId: 'up-a',
      kind: 'http',
      url: 'http://127.0.0.1:9/sms',
      timeoutMs: 500,
      echoesMessageId: true,
    })
    const { deps, dispatch } = await accepted({ 'up-a': 'ok' })
    await dispatchMessage(deps, dispatch)
    expect(await stores.messages.get(dispatch.messageId)).toMatchObject({
      state: 'ENROUTE',
      upstreamId: 'up-a',
      upstreamMessageId: 'up-a-1',
    })
    expect(await stores.messages.byUpstreamId('up-a', 'up-a-1')).toBeUndefined()
  })

  it('sends once when the same job arrives twice', async () => {
    const { deps, connector, dispatch } = await accepted({ 'up-a': 'ok' })
    await dispatchMessage(deps, dispatch)
    await dispatchMessage(deps, dispatch)
    expect(connector.calls).toHaveLength(1)
  })

  it('sends a job whose run died mid-send again once the lease expires, and only then', async () => {
    let now = T0
    stores = memoryStores({ now: () => now })
    await seed(stores)
    const { connector, dispatch } = await accepted({ 'up-a': 'ok' })
    const deps = testDeps(stores, { now: () => now, connector })
    const lease = DispatchPolicy.leaseFor(500) // the fixtures' upstreams answer within 500 ms
    // A run killed between taking the lease and sending: the lease is held, nothing was sent.
    const held = await stores.messages.leaseDispatch(dispatch.messageId, 0, epochSec(now) + lease, epochSec(now))
    expect(held.outcome).toBe('taken')
    await dispatchMessage(deps, dispatch) // a concurrent copy while the lease holds: no second send
    expect(connector.calls).toHaveLength(0)
    now = new Date(T0.getTime() + (lease + 1) * 1000) // SQS redelivers after the visibility timeout
    await dispatchMessage(deps, dispatch)
    expect(connector.calls).toHaveLength(1)
    expect(await stores.messages.get(dispatch.messageId)).toMatchObject({ state: 'ENROUTE' })
    now = new Date(now.getTime() + (lease + 1) * 1000)
    await dispatchMessage(deps, dispatch) // ENROUTE: a late copy sends nothing
    expect(connector.calls).toHaveLength(1)
  })

  it('fails over to the next upstream after a pause', async () => {
    const { deps, connector, dispatch } = await accepted({ 'up-a': 'fail', 'up-b': 'ok' })
    await dispatchMessage(deps, dispatch)
    expect(connector.calls.map((c) => c.upstreamId)).toEqual(['up-a', 'up-b'])
    expect(deps.sleeps).toEqual([200])
    expect(await stores.messages.get(dispatch.messageId)).toMatchObject({ state: 'ENROUTE', upstreamId: 'up-b' })
  })

  it('exhausted: UNDELIVERABLE with 0x0446, refunded, counted, and the receipt the client asked for', async () => {
    const { deps, connector, dispatch } = await accepted({})
    await dispatchMessage(deps, dispatch)
    expect(connector.calls.map((c) => c.upstreamId)).toEqual(['up-a', 'up-b', 'up-a', 'up-b'])
    expect(deps.sleeps).toEqual([200, 400, 800])
    expect(await stores.messages.get(dispatch.messageId)).toMatchObject({
      state: 'UNDELIVERABLE',
      errorCode: Status.TransportError,
      refunded: true,
    })
    expect(await balance()).toBe(1_000)
    const usage = await stores.usage.query('acme', '2025-03-01', '2025-03-01')
    expect(usage.map((u) => [u.status, u.messages, u.cost, u.refunds])).toEqual([
      ['CHARGED', 1, 7, 0],
      ['REFUNDED', 0, 0, 7],
      ['UNDELIVERABLE', 1, 7, 0],
    ])
    expect(await receiptText(deps)).toEqual([expect.stringMatching(/stat:UNDELIV err:446 text:Hello world$/)])
    await dispatchMessage(deps, dispatch) // a redelivery after giving up changes nothing
    expect(await balance()).toBe(1_000)
    expect(await receiptText(deps)).toHaveLength(1)
  })

  it('exhausted, and the run dies after its effects: the redelivery counts and stores nothing twice (issue 13 item 9)', async () => {
    let now = T0
    stores = memoryStores({ now: () => now })
    await seed(stores)
    const connector = scriptedConnector({})
    const deps = testDeps(stores, { now: () => now, connector })
    await submitMessage(deps, submitJob())
    const [dispatch] = deps.queue.bodies<DispatchJob>(DispatchQueue)
    // A guarded effect's confirm that never lands (the run dies after the effect): its lease lapses, the redelivery
    // retakes it and does the effect again. Give-up commits its effects with the state move instead.
    const confirm = stores.guards.confirm
    stores.guards.confirm = async () => {
      throw new Error('killed before the confirm')
    }
    await dispatchMessage(deps, dispatch).catch(() => {})
    stores.guards.confirm = confirm
    now = new Date(T0.getTime() + 3_600_000) // past every lease
    await dispatchMessage(deps, dispatch)
    const usage = await stores.usage.query('acme', '2025-03-01', '2025-03-01')
    expect(usage.filter((u) => u.status === 'UNDELIVERABLE').map((u) => u.messages)).toEqual([1])
    expect((await stores.pending.list('acme', now, 10)).length).toBe(1)
    expect(await balance()).toBe(1_000) // refunded once
  })

  it('keeps the charge when the account does not refund, and sends no receipt unless asked', async () => {
    await stores.accounts.update('acme', { refundOnFailure: false })
    const { deps, dispatch } = await accepted({}, { registeredDelivery: 0 })
    await dispatchMessage(deps, dispatch)
    expect(await balance()).toBe(993)
    expect(await receiptText(deps)).toEqual([])
  })

  it('does not send a message cancelled before its turn', async () => {
    const { deps, connector, dispatch } = await accepted({ 'up-a': 'ok' })
    await stores.messages.transition(dispatch.messageId, ['ACCEPTED'], 'DELETED')
    await dispatchMessage(deps, dispatch)
    expect(connector.calls).toEqual([])
  })

  it('a store failure before anything reached a carrier gives the lease back: the retry runs at once, and counts once', async () => {
    const { deps, connector, dispatch } = await accepted({})
    // Every upstream failed and the give-up's commit fails: the record is still ACCEPTED, and nothing was sent.
    const commit = stores.effects.commit
    stores.effects.commit = async () => {
      throw new Error('DynamoDB unavailable')
    }
    await expect(dispatchMessage(deps, dispatch)).rejects.toThrow('unavailable')
    stores.effects.commit = commit
    await dispatchMessage(deps, dispatch) // SQS's retry, well inside the lease it would otherwise wait for
    expect(connector.calls).toHaveLength(8)
    expect(await stores.messages.get(dispatch.messageId)).toMatchObject({ state: 'UNDELIVERABLE' })
    const usage = await stores.usage.query('acme', '2025-03-01', '2025-03-01')
    expect(usage.filter((u) => u.status === 'UNDELIVERABLE').map((u) => u.messages)).toEqual([1])
  })

  it("a later attempt (the bind pool's failover job) takes over a held lease; a copy of the earlier one sends nothing", async () => {
    const { deps, connector, dispatch } = await accepted({ 'up-a': 'ok', 'up-b': 'ok' })
    const now = epochSec(T0)
    expect((await stores.messages.leaseDispatch(dispatch.messageId, 0, now + 60, now)).outcome).toBe('taken')
    await dispatchMessage(deps, dispatch) // a copy of attempt 0 while its lease holds
    expect(connector.calls).toHaveLength(0)
    await dispatchMessage(deps, { ...dispatch, attempt: 1, upstreams: ['up-b'] })
    expect(connector.calls.map((c) => c.upstreamId)).toEqual(['up-b'])
    expect(await stores.messages.get(dispatch.messageId)).toMatchObject({ state: 'ENROUTE', upstreamId: 'up-b' })
  })

  it('tries each upstream of the route twice at most, four sends in all', () => {
    expect([0, 1, 2, 3, 5].map(attemptsFor)).toEqual([0, 2, 4, 4, 4])
  })
})

// Issue 15: the dispatch function's timeout (lib/resources.ts) is derived from this policy; they must not drift.
describe('DispatchPolicy and the dispatch timeout', () => {
  it('agrees with DispatchRun, and the lease outlasts a run but not the visibility timeout', () => {
    expect(DispatchPolicy.maxAttempts).toBe(DispatchRun.maxAttempts)
    const pauses = Array.from({ length: DispatchRun.maxAttempts - 1 }, (_, i) => DispatchPolicy.backoffMs(i + 1)).reduce((a, b) => a + b, 0)
    expect(pauses).toBe(DispatchRun.pausesMs)
  })

  it('keeps the AWS numbers: 247 s function timeout, 1482 s visibility, 300 s lease for 60 s upstreams', () => {
    expect([dispatchTimeoutSec, Queues.dispatch.visibilityTimeoutSec, DispatchPolicy.leaseFor(60_000)]).toEqual([247, 1482, 300])
  })

  // The local stack's short visibility (issue 15) must still let a redelivery find a killed run's lease expired.
  it.each([
    ['AWS', DispatchRun.maxUpstreamTimeoutMs, Queues.dispatch.visibilityTimeoutSec],
    ['local', DispatchRun.localMaxUpstreamTimeoutMs, LocalQueues.dispatch.visibilityTimeoutSec],
  ])(
    '%s: for any upstream timeout up to the bound, the lease outlasts the run and ends before the visibility timeout',
    (_, bound, visibility) => {
      for (const timeoutMs of [100, 500, 1_000, bound / 2, bound]) {
        expect(DispatchPolicy.leaseFor(timeoutMs)).toBeGreaterThan(dispatchTimeoutFor(timeoutMs))
        expect(DispatchPolicy.leaseFor(timeoutMs)).toBeLessThan(visibility)
      }
    },
  )
})
