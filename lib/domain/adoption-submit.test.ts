import { beforeEach, describe, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import { QueueGone, type Stores } from '../ports'
import { Status } from '../smpp/status'
import { account, DispatchQueue, ReplyTo, seed, submitJob, T0, type TestDeps, testDeps } from './fixtures'
import type { DispatchJob } from './jobs'
import { submitMessage } from './submit'
import type { Verdict } from './verdict'

/** Issue 18: a re-send of a message whose node died before answering is adopted, not charged again. */
let now: Date
let stores: Stores
let deps: TestDeps
const verdicts = () => deps.queue.bodies<Verdict>(ReplyTo)
const dispatched = () => deps.queue.bodies<DispatchJob>(DispatchQueue)
const balance = async () => (await stores.accounts.get('acme'))!.balance
const node = (incarnation: string) => ({
  nodeId: 'node-1',
  incarnation,
  callbackQueueUrl: ReplyTo,
  aliveUntilMs: now.getTime() + 6_000,
})

async function setup(duplicateWindowSec: number) {
  now = T0
  stores = memoryStores({ now: () => now })
  deps = testDeps(stores, { now: () => now })
  await seed(stores, account({ duplicateWindowSec }))
  await stores.nodes.beat(node('node-1#a'))
}

describe.each([0, 60])('adoption, duplicate window %i s', (window) => {
  beforeEach(() => setup(window))

  it('answers the re-send 0 with the original id once its node is replaced, and charges and sends nothing more', async () => {
    const original = submitJob({ incarnation: 'node-1#a' })
    await submitMessage(deps, original)
    await stores.nodes.supersede('node-1', 'node-1#b', now.getTime()) // the node was killed and came back
    now = new Date(T0.getTime() + 20_000)
    const resend = submitJob({ deadline: now.getTime() + 5_000, incarnation: 'node-1#b' })
    await submitMessage(deps, resend)
    expect(verdicts()).toEqual([
      { type: 'verdict', messageId: original.messageId, status: 0 },
      { type: 'verdict', messageId: resend.messageId, status: 0, adoptedId: original.messageId },
    ])
    expect(await balance()).toBe(1_000 - 7)
    expect(dispatched().map((d) => d.messageId)).toEqual([original.messageId])
    expect(await stores.messages.get(resend.messageId)).toBeUndefined()
    // A redelivery of the re-send's job repeats the adoption.
    await submitMessage(deps, resend)
    expect(verdicts().at(-1)).toEqual({ type: 'verdict', messageId: resend.messageId, status: 0, adoptedId: original.messageId })
    expect(await balance()).toBe(1_000 - 7)
  })

  // Issue 18, item 1: the dead node recorded that it answered the original; the same text again is the client's.
  it('a re-send of a message the dead node recorded as answered is a new message (or a duplicate by the window)', async () => {
    const original = submitJob({ incarnation: 'node-1#a' })
    await submitMessage(deps, original)
    await stores.nodes.answered('node-1#a', { atMs: T0.getTime() + 1, unsure: [] })
    await stores.nodes.supersede('node-1', 'node-1#b', now.getTime())
    now = new Date(T0.getTime() + 20_000)
    const again = submitJob({ deadline: now.getTime() + 5_000, incarnation: 'node-1#b' })
    await submitMessage(deps, again)
    expect(verdicts().at(-1)).toEqual({ type: 'verdict', messageId: again.messageId, status: window > 0 ? Status.Duplicate : 0 })
    expect(await balance()).toBe(1_000 - (window > 0 ? 7 : 14))
    expect(dispatched().map((d) => d.messageId)).toEqual(window > 0 ? [original.messageId] : [original.messageId, again.messageId])
  })

  it('still adopts when the record lists the original as unsure (waiting, or answered in its last flush)', async () => {
    const original = submitJob({ incarnation: 'node-1#a' })
    await submitMessage(deps, original)
    await stores.nodes.answered('node-1#a', { atMs: T0.getTime() + 1, unsure: [original.messageId] })
    await stores.nodes.supersede('node-1', 'node-1#b', now.getTime())
    now = new Date(T0.getTime() + 20_000)
    const resend = submitJob({ deadline: now.getTime() + 5_000, incarnation: 'node-1#b' })
    await submitMessage(deps, resend)
    expect(verdicts().at(-1)).toEqual({ type: 'verdict', messageId: resend.messageId, status: 0, adoptedId: original.messageId })
    expect(await balance()).toBe(1_000 - 7)
  })

  it('does not adopt while the original node still beats', async () => {
    await submitMessage(deps, submitJob({ incarnation: 'node-1#a' }))
    now = new Date(T0.getTime() + 61_000) // past the duplicate window
    await stores.nodes.beat(node('node-1#a'))
    const again = submitJob({ deadline: now.getTime() + 5_000, incarnation: 'node-1#b' })
    await submitMessage(deps, again)
    expect(verdicts().at(-1)).toEqual({ type: 'verdict', messageId: again.messageId, status: 0 })
    expect(await balance()).toBe(1_000 - 14)
  })

  it('a message with other content, source or registered_delivery is not adopted', async () => {
    await submitMessage(deps, submitJob({ incarnation: 'node-1#a' }))
    await stores.nodes.retire('node-1#a', now.getTime()) // drained
    now = new Date(T0.getTime() + 61_000)
    for (const change of [{ text: 'other', shortMessage: 'b3RoZXI=' }, { sourceAddr: '15550002' }, { registeredDelivery: 0 }])
      await submitMessage(deps, submitJob({ deadline: now.getTime() + 5_000, incarnation: 'node-1#b', ...change }))
    // None adopted. With a window, the last is a duplicate of the one before it (same text, same number).
    const last = window > 0 ? Status.Duplicate : 0
    expect(verdicts().map((v) => [v.status, v.adoptedId])).toEqual([
      [0, undefined],
      [0, undefined],
      [0, undefined],
      [last, undefined],
    ])
    expect(await balance()).toBe(1_000 - (window > 0 ? 3 : 4) * 7)
  })

  it('past the adoption window a re-send is a new message', async () => {
    await submitMessage(deps, submitJob({ incarnation: 'node-1#a' }))
    await stores.nodes.retire('node-1#a', now.getTime())
    now = new Date(T0.getTime() + 301_000)
    await submitMessage(deps, submitJob({ deadline: now.getTime() + 5_000, incarnation: 'node-1#b' }))
    expect(verdicts().map((v) => v.adoptedId)).toEqual([undefined, undefined])
    expect(await balance()).toBe(1_000 - 14)
  })

  it("the node's 0x0402 at its deadline beats an adoption, as it beats a charge", async () => {
    const original = submitJob({ incarnation: 'node-1#a' })
    await submitMessage(deps, original)
    await stores.nodes.supersede('node-1', 'node-1#b', now.getTime())
    const resend = submitJob({ incarnation: 'node-1#b' })
    await stores.ledger.decide({ messageId: resend.messageId, status: Status.NotRegistered, decidedAt: now.toISOString() }, 9e9)
    await submitMessage(deps, resend)
    // The node answered 0x0402 itself: no verdict, no adoption; the client's next re-send may still adopt.
    expect(verdicts().map((v) => v.messageId)).toEqual([original.messageId])
    expect((await stores.ledger.decision(resend.messageId))?.status).toBe(Status.NotRegistered)
    const third = submitJob({ incarnation: 'node-1#b' })
    await submitMessage(deps, third)
    expect(verdicts().at(-1)).toEqual({ type: 'verdict', messageId: third.messageId, status: 0, adoptedId: original.messageId })
    expect(await balance()).toBe(1_000 - 7)
  })
})

// Issue 18, item 4: the node drained (or was scaled in) before the verdict came, and deleted its callback queue.
describe('a verdict for a node whose callback queue is gone', () => {
  beforeEach(() => setup(0))
  it('is not retried into the DLQ: the message goes on to the carrier, and the re-send elsewhere adopts it', async () => {
    const sendBatch = deps.queues.sendBatch
    deps.queues.sendBatch = (url, bodies) => (url === ReplyTo ? Promise.reject(new QueueGone(url)) : sendBatch(url, bodies))
    const original = submitJob({ incarnation: 'node-1#a' })
    await submitMessage(deps, original) // does not throw: the record is done
    expect(dispatched().map((d) => d.messageId)).toEqual([original.messageId])
    await stores.nodes.retire('node-1#a', now.getTime(), { atMs: now.getTime() + 1, unsure: [original.messageId] })
    deps.queues.sendBatch = sendBatch
    now = new Date(T0.getTime() + 10_000)
    const resend = submitJob({ deadline: now.getTime() + 5_000, incarnation: 'node-2#a' })
    await submitMessage(deps, resend)
    expect(verdicts().at(-1)).toEqual({ type: 'verdict', messageId: resend.messageId, status: 0, adoptedId: original.messageId })
    expect(await balance()).toBe(1_000 - 7)
  })
})

// Issue 18, item 3: the client rebinds to another node before the crashed one misses three beats (a task
// replaced on AWS has a new node id, so nothing supersedes it).
describe('a re-send before its node is known dead', () => {
  beforeEach(() => setup(60))
  it('is adopted once the node is silent for over a beat and the margin, not before', async () => {
    await stores.nodes.beat({ ...node('node-1#a'), aliveUntilMs: T0.getTime() + 6_000, beatMs: 2_000 })
    const original = submitJob({ incarnation: 'node-1#a' })
    await submitMessage(deps, original)
    now = new Date(T0.getTime() + 2_500) // one beat late: it may still answer, so this is the window's duplicate
    await stores.nodes.beat({ ...node('node-2#a'), aliveUntilMs: now.getTime() + 6_000, beatMs: 2_000 })
    const early = submitJob({ deadline: now.getTime() + 5_000, incarnation: 'node-2#a' })
    await submitMessage(deps, early)
    expect(verdicts().at(-1)).toEqual({ type: 'verdict', messageId: early.messageId, status: Status.Duplicate })
    now = new Date(T0.getTime() + 3_001) // past one beat and the margin, still short of three missed beats
    const resend = submitJob({ deadline: now.getTime() + 5_000, incarnation: 'node-2#a' })
    await submitMessage(deps, resend)
    expect(verdicts().at(-1)).toEqual({ type: 'verdict', messageId: resend.messageId, status: 0, adoptedId: original.messageId })
    expect(await balance()).toBe(1_000 - 7)
  })
})

describe('duplicate window without a crash', () => {
  beforeEach(() => setup(60))
  it('still refuses a copy 0x0453 while the node that answers the original is alive', async () => {
    await submitMessage(deps, submitJob({ incarnation: 'node-1#a' }))
    await submitMessage(deps, submitJob({ incarnation: 'node-1#a' }))
    expect(verdicts().map((v) => v.status)).toEqual([0, Status.Duplicate])
  })
})

describe('no duplicate window', () => {
  beforeEach(() => setup(0))
  it('the adoption fingerprint refuses nothing: the same text again is a new message', async () => {
    await submitMessage(deps, submitJob({ incarnation: 'node-1#a' }))
    await submitMessage(deps, submitJob({ incarnation: 'node-1#a' }))
    expect(verdicts().map((v) => v.status)).toEqual([0, 0])
    expect(await balance()).toBe(1_000 - 14)
  })
})
