import { describe, expect, it } from 'vitest'
import type { PendingDelivery } from '../../domain/model'
import { aReceipt, type MakeStores, TestClock, uid } from './fixtures'

/** PendingStore: store and forward in arrival order; a claim keeps two nodes from sending the same item. */
export function pendingContract(name: string, makeStores: MakeStores) {
  describe(`PendingStore (${name})`, () => {
    const setup = async () => {
      const clock = new TestClock()
      const stores = await makeStores({ now: clock.now })
      const accountId = uid('acct')
      const item = (createdOffsetMs: number, validMs: number): PendingDelivery => ({
        accountId,
        deliveryId: uid('dlv'),
        createdAt: clock.iso(createdOffsetMs),
        validUntil: clock.iso(validMs),
        deliver: aReceipt('id:1 stat:DELIVRD', { receiptedMessageId: '1', messageState: 2, networkErrorCode: '030000' }),
      })
      return { clock, stores, accountId, item }
    }

    it('lists valid items oldest first, addressed by `<createdAt>#<deliveryId>`', async () => {
      const { clock, stores, accountId, item } = await setup()
      const [late, early, expired, middle] = [item(3000, 60_000), item(1000, 60_000), item(500, 2_000), item(2000, 60_000)]
      const sks = []
      for (const i of [late, early, expired, middle]) sks.push(await stores.pending.add(i))
      expect(sks[0]).toBe(`${late.createdAt}#${late.deliveryId}`)
      const at = new Date(clock.now().getTime() + 2_000) // `expired` is valid until exactly now: no longer valid
      expect(await stores.pending.list(accountId, at, 10)).toEqual(
        [early, middle, late].map((i) => ({ ...i, sk: `${i.createdAt}#${i.deliveryId}` })),
      )
      expect((await stores.pending.list(accountId, at, 2)).map((i) => i.deliveryId)).toEqual([early.deliveryId, middle.deliveryId])
      expect(await stores.pending.list(uid('other'), at, 10)).toEqual([])
    })

    it('lets one node claim an item, hides it while claimed, and frees it when the claim lapses', async () => {
      const { clock, stores, accountId, item } = await setup()
      const sk = await stores.pending.add(item(0, 600_000))
      const until = clock.now().getTime() + 5_000
      const claims = await Promise.all(['n1', 'n2', 'n3'].map((n) => stores.pending.claim(accountId, sk, n, until)))
      expect(claims.filter(Boolean)).toHaveLength(1)
      expect(await stores.pending.list(accountId, clock.now(), 10)).toEqual([])
      clock.advance(5_001)
      expect((await stores.pending.list(accountId, clock.now(), 10)).map((i) => i.sk)).toEqual([sk])
      expect(await stores.pending.claim(accountId, sk, 'n2', clock.now().getTime() + 5_000)).toBe(true)
      expect(await stores.pending.claim(accountId, sk, 'n1', clock.now().getTime() + 5_000)).toBe(false)
    })

    it('issue 18: a claim held by a node process known dead is listed and taken over before it lapses', async () => {
      const { clock, stores, accountId, item } = await setup()
      const sk = await stores.pending.add(item(0, 600_000))
      const until = clock.now().getTime() + 65_000
      expect(await stores.pending.claim(accountId, sk, 'n1#dead', until)).toBe(true)
      expect(await stores.pending.list(accountId, clock.now(), 10, ['n9#other'])).toEqual([])
      expect(await stores.pending.claim(accountId, sk, 'n2#live', until, ['n9#other'])).toBe(false)
      expect((await stores.pending.list(accountId, clock.now(), 10, ['n9#other', 'n1#dead'])).map((i) => i.sk)).toEqual([sk])
      const takers = await Promise.all(['n2#a', 'n2#b'].map((n) => stores.pending.claim(accountId, sk, n, until, ['n1#dead'])))
      expect(takers.filter(Boolean)).toHaveLength(1) // the first taker holds it; the dead claim is gone
      expect(await stores.pending.list(accountId, clock.now(), 10, ['n1#dead'])).toEqual([])
    })

    it('makes an unclaimed item available again and forgets a removed one', async () => {
      const { clock, stores, accountId, item } = await setup()
      const sk = await stores.pending.add(item(0, 600_000))
      expect(await stores.pending.claim(accountId, sk, 'n1', clock.now().getTime() + 60_000)).toBe(true)
      await stores.pending.unclaim(accountId, sk)
      expect((await stores.pending.list(accountId, clock.now(), 10)).map((i) => i.sk)).toEqual([sk])
      expect(await stores.pending.claim(accountId, sk, 'n2', clock.now().getTime() + 60_000)).toBe(true)
      await stores.pending.remove(accountId, sk)
      await stores.pending.unclaim(accountId, sk)
      expect(await stores.pending.list(accountId, clock.now(), 10)).toEqual([])
      expect(await stores.pending.claim(accountId, sk, 'n3', clock.now().getTime() + 60_000)).toBe(false)
    })

    it('issue 12: an item stored claimed is held for that process until the claim lapses or the process is dead', async () => {
      const { clock, stores, accountId, item } = await setup()
      const until = clock.now().getTime() + 60_000
      const sk = await stores.pending.add({ ...item(0, 600_000), claim: { by: 'n1#a', untilMs: until } })
      expect(await stores.pending.list(accountId, clock.now(), 10)).toEqual([])
      expect(await stores.pending.claim(accountId, sk, 'n2#b', until)).toBe(false)
      const [listed] = await stores.pending.list(accountId, clock.now(), 10, ['n1#a'])
      expect(listed.sk).toBe(sk)
      expect(listed).not.toHaveProperty('claim')
      expect(await stores.pending.claim(accountId, sk, 'n2#b', until, ['n1#a'])).toBe(true)
    })

    it('issue 18: removes many at once, across accounts and past one batch of 25, and leaves the others', async () => {
      const { clock, stores, accountId, item } = await setup()
      const sks: string[] = []
      for (let i = 0; i < 30; i++) sks.push(await stores.pending.add(item(i, 600_000)))
      const other = { ...item(0, 600_000), accountId: uid('acct2') }
      const otherSk = await stores.pending.add(other)
      // A claimed item goes too: removal follows its delivery, which the claim was held for.
      expect(await stores.pending.claim(accountId, sks[3], 'n1', clock.now().getTime() + 60_000)).toBe(true)
      const gone = [...sks.slice(0, 27).map((sk) => ({ accountId, sk })), { accountId: other.accountId, sk: otherSk }]
      await stores.pending.removeMany(gone)
      expect((await stores.pending.list(accountId, clock.now(), 10)).map((i) => i.sk)).toEqual(sks.slice(27))
      expect(await stores.pending.list(other.accountId, clock.now(), 10)).toEqual([])
      await stores.pending.removeMany([]) // nothing to send
      expect(await stores.pending.claim(accountId, sks[0], 'n3', clock.now().getTime() + 60_000)).toBe(false)
    })

    it('issue 13: drops only expired items no live claim holds, each counted by one sweep, and keeps the rest', async () => {
      const { clock, stores, accountId, item } = await setup()
      const [expired, claimed, valid] = [item(0, 1_000), item(1, 1_000), item(2, 600_000)]
      const sks = [] as string[]
      for (const i of [expired, claimed, valid]) sks.push(await stores.pending.add(i))
      expect(await stores.pending.claim(accountId, sks[1], 'n1', clock.now().getTime() + 5_000)).toBe(true)
      const at = new Date(clock.now().getTime() + 1_000) // both short ones end now; `claimed` is in flight on n1
      const sweeps = await Promise.all([stores.pending.dropExpired(accountId, at, 10), stores.pending.dropExpired(accountId, at, 10)])
      expect(sweeps.flat()).toEqual([{ ...expired, sk: sks[0] }])
      clock.advance(5_001)
      expect((await stores.pending.dropExpired(accountId, clock.now(), 10)).map((i) => i.sk)).toEqual([sks[1]]) // its claim lapsed
      expect((await stores.pending.list(accountId, clock.now(), 10)).map((i) => i.sk)).toEqual([sks[2]])
    })
  })
}
