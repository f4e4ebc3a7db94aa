import { describe, expect, it } from 'vitest'
import { memoryStores } from '../../lib/adapters/memory'
import { AnswerLog } from '../bridge/answer-log'
import { FakeClock } from '../testing/fake-clock'
import { AnswersFlushMs, NodeLiveness } from './liveness'
import { silentLog } from './log'

/** Issue 18: the node process in the node registry, as the submit function and other nodes read it. */

type Stores = ReturnType<typeof memoryStores>
/** A process `incarnation` (`<nodeId>#<nonce>`) beating every 2 s into `stores`' registry. */
const liveness = (stores: Stores, clock: FakeClock, incarnation: string, more: { callbackQueueUrl?: string; answers?: AnswerLog } = {}) =>
  new NodeLiveness({
    nodes: stores.nodes,
    nodeId: incarnation.split('#')[0],
    incarnation,
    callbackQueueUrl: 'q',
    beatMs: 2_000,
    clock,
    log: silentLog,
    ...more,
  })

describe('NodeLiveness', () => {
  it('a restarted process marks its predecessor dead before it serves, and learns the dead from its beats', async () => {
    const clock = new FakeClock()
    const stores = memoryStores({ now: () => new Date(clock.now()) })
    const first = liveness(stores, clock, 'n1#a')
    await first.start()
    first.stop() // SIGKILL: no retire
    const second = liveness(stores, clock, 'n1#b')
    await second.start()
    const entries = Object.fromEntries((await stores.nodes.list()).map((e) => [e.incarnation, e.diedAtMs !== undefined]))
    expect(entries).toEqual({ 'n1#a': true, 'n1#b': false })
    expect(await second.deadClaimants()).toEqual(['n1#a'])
    second.stop()
  })

  it('a silent process counts as dead after three missed beats; a retired one at once', async () => {
    const clock = new FakeClock()
    const stores = memoryStores({ now: () => new Date(clock.now()) })
    const other = liveness(stores, clock, 'n2#x', { callbackQueueUrl: 'q2' })
    await other.start()
    other.stop()
    const me = liveness(stores, clock, 'n1#a')
    await me.start()
    expect(await me.deadClaimants()).toEqual([])
    await clock.advance(6_000)
    expect(await me.deadClaimants()).toEqual([]) // alive until exactly three beats after its last
    await clock.advance(2_000)
    expect(await me.deadClaimants()).toEqual(['n2#x'])
    await me.retire()
    expect((await stores.nodes.list()).find((e) => e.incarnation === 'n1#a')?.diedAtMs).toBe(clock.now())
  })

  // A beat whose write took longer than three beats (DynamoDB stalled) reads its own entry as lapsed. Its own claims
  // must stay its own: taken over, its bind's drain and its callback consumer could both send one item on one session.
  it('never counts its own process dead, even when its beat read its own entry lapsed', async () => {
    const clock = new FakeClock()
    const stores = memoryStores({ now: () => new Date(clock.now()) })
    const beat = stores.nodes.beat.bind(stores.nodes)
    let stall = false
    stores.nodes.beat = async (entry) => {
      await beat(entry)
      if (stall) {
        stall = false
        await clock.advance(7_000) // the write answered 7 s after it was sent
      }
    }
    const me = liveness(stores, clock, 'n1#a')
    await me.start()
    stall = true
    await clock.advance(2_000)
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)) // the slow write has answered
    expect((await stores.nodes.list()).find((e) => e.incarnation === 'n1#a')!.aliveUntilMs).toBeLessThan(clock.now())
    expect(await me.deadClaimants()).toEqual([])
    me.stop()
  })

  // Issue 12 (idle cost): the beat is a write only; the registry is read when a claim asks, at most once a beat.
  it('reads the registry only when asked, at most once a beat, and one read serves callers at the same time', async () => {
    const clock = new FakeClock()
    const stores = memoryStores({ now: () => new Date(clock.now()) })
    const list = stores.nodes.list.bind(stores.nodes)
    let reads = 0
    stores.nodes.list = async () => {
      reads++
      return list()
    }
    const other = liveness(stores, clock, 'n2#x')
    await other.start()
    other.stop()
    reads = 0
    const me = liveness(stores, clock, 'n1#a')
    await me.start()
    expect(reads).toBe(1) // before it listens
    await clock.advance(20_000) // ten beats, nobody asks
    expect(reads).toBe(1)
    expect(await Promise.all([me.deadClaimants(), me.deadClaimants()])).toEqual([['n2#x'], ['n2#x']])
    expect(reads).toBe(2)
    await clock.advance(1_999)
    expect(await me.deadClaimants()).toEqual(['n2#x']) // less than a beat old: no new read
    expect(reads).toBe(2)
    await clock.advance(1)
    await me.deadClaimants()
    expect(reads).toBe(3)
    me.stop()
  })

  // Issue 18, items 1 and 4: the answer record is written each flush while it changes, and the last one at retirement.
  it('writes the answer record each flush while it changes, and the final one when it retires', async () => {
    const clock = new FakeClock()
    const stores = memoryStores({ now: () => new Date(clock.now()) })
    const answers = new AnswerLog()
    const me = liveness(stores, clock, 'n1#a', { answers })
    const record = async () => (await stores.nodes.answerRecords(['n1#a'])).get('n1#a')
    await me.start()
    answers.opened('A')
    answers.opened('B')
    await clock.advance(AnswersFlushMs)
    const first = clock.now()
    expect(await record()).toEqual({ atMs: first, unsure: ['A', 'B'] })
    answers.answered('A')
    await clock.advance(AnswersFlushMs)
    await clock.advance(AnswersFlushMs)
    expect(await record()).toEqual({ atMs: first + 2 * AnswersFlushMs, unsure: ['B'] })
    await clock.advance(2_000) // nothing changed: no more writes, the record stays
    expect(await record()).toEqual({ atMs: first + 2 * AnswersFlushMs, unsure: ['B'] })
    await me.retire() // drained with B still waiting: B can be adopted, A not
    expect((await stores.nodes.list()).find((e) => e.incarnation === 'n1#a')?.diedAtMs).toBe(clock.now())
    expect(await record()).toEqual({ atMs: clock.now(), unsure: ['B'] })
  })
})
