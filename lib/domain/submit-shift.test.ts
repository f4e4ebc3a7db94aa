import { beforeEach, describe, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import { ShiftSamples } from '../encoding/shift-samples'
import { ucs2Encode } from '../encoding/ucs2'
import type { Stores } from '../ports'
import { DispatchQueue, seed, submitJob, T0, type TestDeps, testDeps } from './fixtures'
import type { DispatchJob } from './jobs'
import { submitMessage } from './submit'

// Issue 17: a UCS2 text is billed at the parts its route's first upstream receives (lib/domain/shift-reencode.ts).
const [[, , turkish]] = ShiftSamples
const ucs2Job = () =>
  submitJob({
    dataCoding: 8,
    shortMessage: '',
    messagePayload: ucs2Encode(turkish).toString('base64'),
    text: turkish,
    parts: 3, // what the node counts for 157 UCS2 characters (67 a part)
  })

let stores: Stores
let deps: TestDeps
beforeEach(async () => {
  stores = memoryStores({ now: () => T0 })
  deps = testDeps(stores, { now: () => T0 })
  await seed(stores)
})

describe('submit: UCS2 re-encoded with national shift tables (issue 17)', () => {
  it('bills the parts the first upstream receives when it accepts the tables, and counts the parts saved', async () => {
    await stores.reference.putUpstream({
      upstreamId: 'up-a',
      kind: 'http',
      url: 'http://127.0.0.1:9/none',
      timeoutMs: 500,
      shiftTables: [1],
    })
    const job = ucs2Job()
    await submitMessage(deps, job)
    expect(await stores.messages.get(job.messageId)).toMatchObject({ parts: 2, cost: 14, partsSaved: 1 })
    expect(await stores.usage.query('acme', '2025-03-01', '2025-03-01')).toMatchObject([
      { status: 'CHARGED', prefix: '447', messages: 1, parts: 2, cost: 14, partsSaved: 1 },
    ])
    // The queued job stays as the ESME sent it: dispatch re-encodes for the upstream it actually tries.
    expect(deps.queue.bodies<DispatchJob>(DispatchQueue)).toMatchObject([{ dataCoding: 8, upstreams: ['up-a', 'up-b'] }])
  })

  it('bills the UCS2 parts when only the failover upstream accepts the tables', async () => {
    await stores.reference.putUpstream({
      upstreamId: 'up-b',
      kind: 'http',
      url: 'http://127.0.0.1:9/none',
      timeoutMs: 500,
      shiftTables: [1],
    })
    const job = ucs2Job()
    await submitMessage(deps, job)
    const record = await stores.messages.get(job.messageId)
    expect(record).toMatchObject({ parts: 3, cost: 21 })
    expect(record?.partsSaved).toBeUndefined()
  })
})
