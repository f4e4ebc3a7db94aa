import { describe, expect, it } from 'vitest'
import { observation } from '../../domain/compat-fixture'
import { type MakeStores, TestClock, uid } from './fixtures'

/** CompatStore: one item per session, rewritten by each flush; the account's newest sessions first. */
export function compatContract(name: string, makeStores: MakeStores) {
  describe(`CompatStore (${name})`, () => {
    it('keeps the latest observation of each session and lists the newest first, up to the limit', async () => {
      const clock = new TestClock()
      const stores = await makeStores({ now: clock.now })
      const accountId = uid('acct')
      const at = (s: number) => clock.iso(s * 1000)
      const a = observation({ accountId, sessionId: 'a', boundAt: at(0), lastAt: at(1) })
      const b = observation({ accountId, sessionId: 'b', boundAt: at(5), lastAt: at(6) })
      const c = observation({ accountId, sessionId: 'c', nodeId: 'n2', boundAt: at(9), lastAt: at(9) })
      // 30 sessions in one call: more than one BatchWriteItem holds.
      const others = Array.from({ length: 30 }, (_, k) => observation({ accountId: uid('other'), sessionId: `o${k}`, lastAt: at(1) }))
      await stores.compat.putSessions([a, b, ...others])
      await stores.compat.putSessions([{ ...a, submits: 99, end: 'unbind' }, c])
      expect(await stores.compat.recentSessions(accountId, 10)).toEqual([c, b, { ...a, submits: 99, end: 'unbind' }])
      expect(await stores.compat.recentSessions(accountId, 2)).toEqual([c, b])
      expect(await stores.compat.recentSessions(others[29].accountId, 5)).toEqual([others[29]])
      expect(await stores.compat.recentSessions(uid('none'), 5)).toEqual([])
    })
  })
}
