import { describe, expect, it } from 'vitest'
import { memoryStores } from '../../lib/adapters/memory'
import { FakeClock } from '../testing/fake-clock'
import { NodeLiveness } from './liveness'
import { silentLog } from './log'

/** Issue 18: the node process in the node registry, as the submit function and other nodes read it. */

describe('NodeLiveness', () => {
  it('a restarted process marks its predecessor dead before it serves, and learns the dead from its beats', async () => {
    const clock = new FakeClock()
    const stores = memoryStores({ now: () => new Date(clock.now()) })
    const make = (incarnation: string) =>
      new NodeLiveness({ nodes: stores.nodes, nodeId: 'n1', incarnation, callbackQueueUrl: 'q', beatMs: 2_000, clock, log: silentLog })
    const first = make('n1#a')
    await first.start()
    first.stop() // SIGKILL: no retire
    const second = make('n1#b')
    await second.start()
    const entries = Object.fromEntries((await stores.nodes.list()).map((e) => [e.incarnation, e.diedAtMs !== undefined]))
    expect(entries).toEqual({ 'n1#a': true, 'n1#b': false })
    expect(second.deadClaimants()).toEqual(['n1#a'])
    second.stop()
  })

  it('a silent process counts as dead after three missed beats; a retired one at once', async () => {
    const clock = new FakeClock()
    const stores = memoryStores({ now: () => new Date(clock.now()) })
    const other = new NodeLiveness({
      nodes: stores.nodes,
      nodeId: 'n2',
      incarnation: 'n2#x',
      callbackQueueUrl: 'q2',
      beatMs: 2_000,
      clock,
      log: silentLog,
    })
    await other.start()
    other.stop()
    const me = new NodeLiveness({
      nodes: stores.nodes,
      nodeId: 'n1',
      incarnation: 'n1#a',
      callbackQueueUrl: 'q',
      beatMs: 2_000,
      clock,
      log: silentLog,
    })
    await me.start()
    expect(me.deadClaimants()).toEqual([])
    await clock.advance(6_000)
    expect(me.deadClaimants()).toEqual([]) // alive until exactly three beats after its last
    await clock.advance(2_000)
    expect(me.deadClaimants()).toEqual(['n2#x'])
    await me.retire()
    expect((await stores.nodes.list()).find((e) => e.incarnation === 'n1#a')?.diedAtMs).toBe(clock.now())
  })
})
