import { beforeEach, describe, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import type { Stores } from '../ports'
import { dispatchMessage } from './dispatch'
import { handleUpstreamEvent } from './dlr'
import { DispatchQueue, scriptedConnector, seed, submitJob, T0, type TestDeps, testDeps } from './fixtures'
import type { DispatchJob, UpstreamEvent } from './jobs'
import { GuardLeaseSec } from './settle'
import { submitMessage } from './submit'

// Issue 13 item 9: a run that died after the effect and before confirming its guard repeated the effect once (the
// ESME got a second receipt or MO, the usage row counted twice). The effect is now committed with its once-only
// marker, so a redelivery after any crash point writes it exactly once.
let now = T0
let stores: Stores
let deps: TestDeps

beforeEach(async () => {
  now = T0
  stores = memoryStores({ now: () => now })
  deps = testDeps(stores, { now: () => now, connector: scriptedConnector({ 'up-a': 'ok' }) })
  await seed(stores)
  await stores.reference.putNumber('15557777', 'acme', ['up-a'])
})

async function sent(): Promise<string> {
  await submitMessage(deps, submitJob({ registeredDelivery: 1 }))
  const [job] = deps.queue.bodies<DispatchJob>(DispatchQueue)
  await dispatchMessage(deps, job)
  return job.messageId
}
const receipt = (messageId: string): UpstreamEvent => ({
  type: 'receipt',
  upstreamId: 'up-a',
  messageId,
  stat: 'DELIVRD',
  err: 0,
  doneAt: T0.toISOString(),
})
const mo: UpstreamEvent = {
  type: 'mo',
  upstreamId: 'up-a',
  sourceAddr: '447700900123',
  destinationAddr: '15557777',
  dataCoding: 0,
  shortMessage: Buffer.from('STOP').toString('base64'),
  receivedAt: T0.toISOString(),
}

/**
 * The first run's crash point: its effect's write reaches DynamoDB but the answer never comes back (the Lambda is
 * killed, or the connection drops after the commit), or its guard confirm fails after the effect. Both ways of
 * writing the effect are broken the same way, so the test says the same thing of the guarded path and of the commit.
 */
function dieAfterTheEffect(crash: 'write answer lost' | 'confirm fails'): () => void {
  const { pending, effects, guards } = stores
  const lost = new Error('killed after the write')
  if (crash === 'write answer lost') {
    stores.pending = { ...pending, add: async (item) => Promise.reject(lost).finally(() => pending.add(item)) }
    stores.effects = { commit: async (list) => Promise.reject(lost).finally(() => effects.commit(list)) }
  } else stores.guards = { ...guards, confirm: async () => Promise.reject(lost) }
  return () => Object.assign(stores, { pending, effects, guards })
}

const stored = async (kind: 'receipt' | 'mo') => (await stores.pending.list('acme', now, 50)).filter((p) => p.deliver.kind === kind).length
const delivered = async () =>
  (await stores.usage.query('acme', '2025-03-01', '2025-03-01')).find((u) => u.status === 'DELIVERED')?.messages ?? 0

describe.each(['write answer lost', 'confirm fails'] as const)('a run that dies after the effect (%s)', (crash) => {
  it('is redelivered and the receipt is stored and counted once', async () => {
    const id = await sent()
    const heal = dieAfterTheEffect(crash)
    await handleUpstreamEvent(deps, receipt(id)).catch(() => {}) // the commit path has no confirm to fail
    heal()
    now = new Date(T0.getTime() + (GuardLeaseSec + 1) * 1000) // any lease the dead run held has lapsed
    await handleUpstreamEvent(deps, receipt(id))
    await handleUpstreamEvent(deps, receipt(id)) // and the carrier's duplicate
    expect(await stored('receipt')).toBe(1)
    expect(await delivered()).toBe(1)
    expect((await stores.messages.get(id))!.state).toBe('DELIVERED')
  })

  it('is redelivered and the MO is stored once', async () => {
    const heal = dieAfterTheEffect(crash)
    await handleUpstreamEvent(deps, mo).catch(() => {})
    heal()
    now = new Date(T0.getTime() + (GuardLeaseSec + 1) * 1000)
    await handleUpstreamEvent(deps, mo)
    expect(await stored('mo')).toBe(1)
  })
})
