import { describe, expect, it } from 'vitest'
import type { SessionEntry } from '../../domain/model'
import { type MakeStores, TestClock, uid } from './fixtures'

/** SessionRegistry: live binds per account; entries expire unless refreshed. */
export function sessionsContract(name: string, makeStores: MakeStores) {
  describe(`SessionRegistry (${name})`, () => {
    it('lists live entries only, refreshes by put and forgets removed ones', async () => {
      const clock = new TestClock()
      const stores = await makeStores({ now: clock.now })
      const accountId = uid('acct')
      const entry = (nodeId: string, sessionId: string, ttl: number): SessionEntry => ({
        accountId,
        nodeId,
        sessionId,
        bindType: 'receiver',
        callbackQueueUrl: `http://127.0.0.1/q/callback-${nodeId}`,
        boundAt: clock.iso(),
        expiresAt: clock.sec() + ttl,
      })
      const [a, b, c] = [entry('n1', 's1', 30), entry('n1', 's2', 90), entry('n2', 's1', 90)]
      for (const e of [a, b, c]) await stores.sessions.put(e)
      await stores.sessions.put({ ...entry('n3', 's1', 90), accountId: uid('other') })
      const sorted = (es: SessionEntry[]) => [...es].sort((x, y) => `${x.nodeId}${x.sessionId}`.localeCompare(`${y.nodeId}${y.sessionId}`))
      expect(sorted(await stores.sessions.list(accountId, clock.sec()))).toEqual([a, b, c])
      // a expires at +30 s: gone from the list even while TTL has not deleted it.
      expect(sorted(await stores.sessions.list(accountId, clock.sec() + 30))).toEqual([b, c])
      const refreshed = { ...a, expiresAt: clock.sec() + 120 }
      await stores.sessions.put(refreshed)
      expect(sorted(await stores.sessions.list(accountId, clock.sec() + 30))).toEqual([refreshed, b, c])
      await stores.sessions.remove(accountId, 'n1', 's2')
      expect(sorted(await stores.sessions.list(accountId, clock.sec()))).toEqual([refreshed, c])
    })
  })
}
