import { beforeEach, describe, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import type { Stores } from '../ports'
import { Status } from '../smpp/status'
import { account, DispatchQueue, ReplyTo, seed, submitJob, T0, type TestDeps, testDeps } from './fixtures'
import type { DispatchJob } from './jobs'
import { SandboxUpstream } from './sandbox'
import { submitMessage } from './submit'
import type { Verdict } from './verdict'

let stores: Stores
let deps: TestDeps
const dispatched = () => deps.queue.bodies<DispatchJob>(DispatchQueue)

beforeEach(async () => {
  stores = memoryStores({ now: () => T0 })
  deps = testDeps(stores, { now: () => T0 })
  await seed(stores, account({ sandbox: true }))
  await stores.reference.putUpstream({ upstreamId: SandboxUpstream, kind: 'http', url: 'http://127.0.0.1:9/sandbox', timeoutMs: 500 })
  await stores.reference.putUpstreamTariff({ upstreamId: SandboxUpstream, prefix: '', cost: 0, currency: 'EUR' })
})

describe('sandbox accounts (issue 19)', () => {
  it('go through the same rules and charge, and are dispatched to the sandbox upstream only, whatever the route', async () => {
    const job = submitJob() // 447…: the route says up-a then up-b
    await submitMessage(deps, job)
    expect(deps.queue.bodies<Verdict>(ReplyTo)).toEqual([{ type: 'verdict', messageId: job.messageId, status: Status.Ok }])
    expect(dispatched().map((d) => d.upstreams)).toEqual([[SandboxUpstream]])
    expect((await stores.accounts.get('acme'))!.balance).toBe(1_000 - 7) // test credit, priced by the plan
  })

  it('keep the platform codes: no tariff is still 0x043C', async () => {
    await submitMessage(deps, submitJob({ destinations: [{ addr: '1555', ton: 1, npi: 1 }] }))
    expect(deps.queue.bodies<Verdict>(ReplyTo).map((v) => v.status)).toEqual([Status.NoTariff])
    expect(dispatched()).toEqual([])
  })

  it('a dispatch job lost in a crash is sent again to the sandbox, not the route', async () => {
    const job = submitJob()
    const sendBatch = deps.queues.sendBatch
    deps.queues.sendBatch = async (url, bodies) => {
      if (url === DispatchQueue) throw new Error('SQS unavailable')
      return sendBatch(url, bodies)
    }
    await expect(submitMessage(deps, job)).rejects.toThrow('SQS unavailable')
    deps.queues.sendBatch = sendBatch
    await submitMessage(deps, job)
    expect(dispatched().map((d) => d.upstreams)).toEqual([[SandboxUpstream]])
  })
})
