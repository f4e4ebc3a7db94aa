import { describe, expect, it } from 'vitest'
import { allPages, anAccount, fundedAccount, type MakeStores, TestClock, uid } from './fixtures'

/** AccountStore: settings change freely, the balance only with a ledger entry, once per entryId. */
export function accountsContract(name: string, makeStores: MakeStores) {
  describe(`AccountStore (${name})`, () => {
    const setup = async () => {
      const clock = new TestClock()
      return { clock, stores: await makeStores({ now: clock.now }) }
    }

    it('creates an account once and reads it back unchanged', async () => {
      const { clock, stores } = await setup()
      const account = anAccount(clock, { allowList: ['10.0.0.0/8'], duplicateWindowSec: 30 })
      expect(await stores.accounts.create(account)).toBe(true)
      expect(await stores.accounts.create({ ...account, balance: 1 })).toBe(false)
      expect(await stores.accounts.get(account.accountId)).toEqual(account)
      expect(await stores.accounts.get(uid('missing'))).toBeUndefined()
    })

    it('updates settings but never the balance, id or creation time', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 50 })
      const patch = { speed: 7, enabled: false, allowList: ['127.0.0.1'], balance: 999, createdAt: 'x' } as never
      const updated = await stores.accounts.update(account.accountId, patch)
      expect(updated).toEqual({ ...account, speed: 7, enabled: false, allowList: ['127.0.0.1'] })
      expect(await stores.accounts.get(account.accountId)).toEqual(updated)
      expect(await stores.accounts.update(uid('missing'), { speed: 1 })).toBeUndefined()
    })

    it('credits a top-up once per entryId, with its ledger entry', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 50 })
      const entry = {
        accountId: account.accountId,
        entryId: uid('topup'),
        at: clock.iso(),
        kind: 'topup' as const,
        amount: 25,
        note: 'wire',
      }
      expect(await stores.accounts.credit(entry)).toBe('credited')
      expect(await stores.accounts.credit(entry)).toBe('already-credited')
      expect((await stores.accounts.get(account.accountId))?.balance).toBe(75)
      expect((await stores.ledger.entries(account.accountId, clock.iso(-1), clock.iso(1), 10)).items).toEqual([entry])
      expect(await stores.accounts.credit({ ...entry, accountId: uid('nobody'), entryId: uid('topup') })).toBe('no-account')
    })

    // Issue 13 leftover: the API read the balance, then wrote; two concurrent debits could both pass.
    it('two concurrent debit adjustments: exactly one passes, the balance never below -creditLimit', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 0, creditLimit: 10 })
      // A top-up spreads over the balance shards: a debit must see them all, not the account item alone.
      await stores.accounts.credit({ accountId: account.accountId, entryId: uid('t'), at: clock.iso(-1), kind: 'topup', amount: 100 })
      const debit = (entryId: string) =>
        stores.accounts.credit({ accountId: account.accountId, entryId, at: clock.iso(), kind: 'adjustment', amount: -70 })
      const results = await Promise.all([debit(uid('d')), debit(uid('d'))])
      expect(results.sort()).toEqual(['below-credit-limit', 'credited'])
      expect((await stores.accounts.get(account.accountId))?.balance).toBe(30)
      expect((await stores.ledger.entries(account.accountId, clock.iso(-1), clock.iso(1), 10)).items.map((e) => e.amount)).toEqual([
        100, -70,
      ])
      // Down to the floor exactly is allowed; a retried debit with the same entryId moves nothing again.
      const last = uid('d')
      expect(await debit(last).then(() => stores.accounts.get(account.accountId))).toMatchObject({ balance: 30 })
      const floor = { accountId: account.accountId, entryId: last, at: clock.iso(), kind: 'adjustment' as const, amount: -40 }
      expect(await stores.accounts.credit({ ...floor, entryId: uid('f') })).toBe('credited')
      expect((await stores.accounts.get(account.accountId))?.balance).toBe(-10)
      expect(await debit(last)).toBe('below-credit-limit')
    })

    it('lists every account once across pages', async () => {
      const { clock, stores } = await setup()
      const mine = await Promise.all([1, 2, 3, 4, 5].map(() => fundedAccount(stores, clock)))
      const pages = await allPages((c) => stores.accounts.list(2, c), 2)
      const ids = pages.flat().map((a) => a.accountId)
      expect(new Set(ids).size).toBe(ids.length)
      for (const a of mine) expect(ids).toContain(a.accountId)
      expect(pages.flat().find((a) => a.accountId === mine[0].accountId)).toEqual(mine[0])
    })
  })
}
