import { describe, expect, it } from 'vitest'
import { isDead, type NodeEntry } from '../../domain/adoption'
import { chargeFor } from '../../domain/charge'
import { account, submitJob } from '../../domain/fixtures'
import { type MakeStores, TestClock, uid } from './fixtures'

/** Issue 18: the node registry (alive, superseded, retired) and the owners the charge writes on fingerprints. */
export function nodesContract(name: string, makeStores: MakeStores) {
  describe(`NodeRegistry and Fingerprints (${name})`, () => {
    const entry = (nodeId: string, incarnation: string, aliveUntilMs: number): NodeEntry => ({
      nodeId,
      incarnation,
      callbackQueueUrl: `q-${nodeId}`,
      aliveUntilMs,
    })

    it('a new process supersedes its predecessors with the same node id; a retired one stays dead', async () => {
      const clock = new TestClock()
      const stores = await makeStores({ now: clock.now })
      const t = clock.now().getTime()
      const [a, b] = [uid('node'), uid('node')]
      await stores.nodes.beat(entry(a, `${a}#1`, t + 6_000))
      await stores.nodes.beat(entry(b, `${b}#1`, t + 6_000))
      const older = await stores.nodes.supersede(a, `${a}#2`, t + 1)
      expect(older.map((e) => e.incarnation)).toEqual([`${a}#1`])
      await stores.nodes.beat(entry(a, `${a}#2`, t + 6_000))
      await stores.nodes.retire(`${b}#1`, t + 2)
      await stores.nodes.beat(entry(b, `${b}#1`, t + 8_000)) // a late beat does not revive it
      const mine = (await stores.nodes.list()).filter((e) => [a, b].includes(e.nodeId))
      const dead = Object.fromEntries(mine.map((e) => [e.incarnation, isDead(e, t)]))
      expect(dead).toEqual({ [`${a}#1`]: true, [`${a}#2`]: false, [`${b}#1`]: true })
      expect(mine.find((e) => e.incarnation === `${a}#1`)?.diedAtMs).toBe(t + 1)
    })

    // Issue 18, item 1: the answer record, kept apart from the entries the registry's Query reads.
    it('keeps the latest answer record of each process, the last one at retirement; an older never replaces it', async () => {
      const clock = new TestClock()
      const stores = await makeStores({ now: clock.now })
      const t = clock.now().getTime()
      const [n, other] = [uid('node'), uid('node')]
      const records = async () => Object.fromEntries(await stores.nodes.answerRecords([`${n}#1`, `${other}#1`]))
      await stores.nodes.beat({ ...entry(n, `${n}#1`, t + 6_000), beatMs: 2_000 })
      await stores.nodes.answered(`${n}#1`, { atMs: t, unsure: ['m1', 'm2'] })
      await stores.nodes.beat({ ...entry(n, `${n}#1`, t + 8_000), beatMs: 2_000 })
      expect((await stores.nodes.list()).find((e) => e.incarnation === `${n}#1`)).toEqual({
        ...entry(n, `${n}#1`, t + 8_000),
        beatMs: 2_000,
      })
      expect(await records()).toEqual({ [`${n}#1`]: { atMs: t, unsure: ['m1', 'm2'] } })
      await stores.nodes.retire(`${n}#1`, t + 10, { atMs: t + 10, unsure: ['m2'] })
      await stores.nodes.answered(`${n}#1`, { atMs: t + 5, unsure: ['m1', 'm2'] }) // a late flush, taken earlier
      expect(await records()).toEqual({ [`${n}#1`]: { atMs: t + 10, unsure: ['m2'] } })
      expect((await stores.nodes.list()).find((e) => e.incarnation === `${n}#1`)?.diedAtMs).toBe(t + 10)
    })

    it('a charged message names its owner on its fingerprint, also without a duplicate window', async () => {
      const clock = new TestClock()
      const stores = await makeStores({ now: clock.now })
      const acct = account({ accountId: uid('acct'), duplicateWindowSec: 0 })
      await stores.accounts.create(acct)
      const job = submitJob({ accountId: acct.accountId, messageId: uid('m'), incarnation: 'n1#x' })
      const quote = { tariff: { plan: acct.tariffPlan, prefix: '44', price: 5, currency: 'EUR' }, upstreams: [] }
      const charge = chargeFor(job, 0, acct, quote as never, clock.now(), 30)
      expect(await stores.ledger.chargeBatch([charge])).toEqual([{ result: 'charged' }])
      const key = charge.duplicate!.key
      const owners = await stores.fingerprints.owners([key, 'DUP#none'])
      expect([...owners]).toEqual([
        [
          key,
          {
            messageId: job.messageId,
            sourceAddr: job.sourceAddr,
            registeredDelivery: 1,
            incarnation: 'n1#x',
            chargedAt: expect.any(Number),
            receivedAtMs: Date.parse(job.receivedAt), // the node's receive time, for its answer record
          },
        ],
      ])
      // The same text again is no duplicate without a window: it is charged and becomes the owner.
      const again = submitJob({ accountId: acct.accountId, messageId: uid('m'), incarnation: 'n1#x' })
      expect(await stores.ledger.chargeBatch([chargeFor(again, 0, acct, quote as never, clock.now(), 30)])).toEqual([{ result: 'charged' }])
      expect((await stores.fingerprints.owners([key])).get(key)?.messageId).toBe(again.messageId)
    })
  })
}
