import { beforeEach, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import type { Stores } from '../ports'
import { PreClaimMs } from './deliver'
import { dispatchMessage } from './dispatch'
import { handleUpstreamEvent } from './dlr'
import { DispatchQueue, scriptedConnector, seed, submitJob, T0, type TestDeps, testDeps } from './fixtures'
import type { DeliverMessage, DispatchJob } from './jobs'
import type { SessionEntry } from './model'
import { submitMessage } from './submit'

// Issue 12: a receipt is stored already claimed for the node process the DLR nudges, so that node sends it with no
// claim request of its own (smpp-node/bridge/delivery.ts); every other reader sees it claimed by that process.
let now = T0
let stores: Stores
let deps: TestDeps
const Node = 'https://sqs.local/callback-n1'

beforeEach(async () => {
  now = T0
  stores = memoryStores({ now: () => now })
  deps = testDeps(stores, { now: () => now, connector: scriptedConnector({ 'up-a': 'ok' }) })
  await seed(stores)
})

const session = (extra: Partial<SessionEntry> = {}): SessionEntry => ({
  accountId: 'acme',
  nodeId: 'n1',
  sessionId: 's1',
  bindType: 'transceiver',
  callbackQueueUrl: Node,
  boundAt: T0.toISOString(),
  expiresAt: Math.floor(T0.getTime() / 1000) + 60,
  ...extra,
})

async function receiptFor(): Promise<void> {
  await submitMessage(deps, submitJob({ registeredDelivery: 1 }))
  const [job] = deps.queue.bodies<DispatchJob>(DispatchQueue)
  await dispatchMessage(deps, job)
  await handleUpstreamEvent(deps, {
    type: 'receipt',
    upstreamId: 'up-a',
    messageId: job.messageId,
    stat: 'DELIVRD',
    err: 0,
    doneAt: T0.toISOString(),
  })
}

it('stores the receipt claimed for the receiver session’s node process, and the nudge says so', async () => {
  await stores.sessions.put(session({ incarnation: 'n1#abc' }))
  await receiptFor()
  const [nudge] = deps.queue.bodies<DeliverMessage>(Node)
  expect(nudge).toMatchObject({ type: 'deliver', accountId: 'acme', claimedBy: 'n1#abc', claimedUntil: now.getTime() + PreClaimMs })
  expect(await stores.pending.list('acme', now, 10)).toEqual([]) // claimed: no drain elsewhere sends it
  expect((await stores.pending.list('acme', now, 10, ['n1#abc'])).map((p) => p.sk)).toEqual([nudge.pendingSk]) // free once that process is dead
  expect(await stores.pending.claim('acme', nudge.pendingSk, 'n2#x', now.getTime() + 1_000)).toBe(false)
  now = new Date(now.getTime() + PreClaimMs + 1)
  expect(await stores.pending.claim('acme', nudge.pendingSk, 'n2#x', now.getTime() + 1_000)).toBe(true) // an unused claim lapses
})

it('stores it unclaimed when the registry entry names no process (an older node), and nudges as before', async () => {
  await stores.sessions.put(session())
  await receiptFor()
  const [nudge] = deps.queue.bodies<DeliverMessage>(Node)
  expect(nudge.claimedBy).toBeUndefined()
  expect((await stores.pending.list('acme', now, 10)).map((p) => p.sk)).toEqual([nudge.pendingSk])
})

it('with no receiver bound, stores it unclaimed for the next bind and nudges nobody', async () => {
  await receiptFor()
  expect(deps.queue.bodies<DeliverMessage>(Node)).toEqual([])
  expect(await stores.pending.list('acme', now, 10)).toHaveLength(1)
})
