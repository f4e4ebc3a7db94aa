import { describe, expect, it } from 'vitest'
import type { BlacklistEntry } from '../../domain/model'
import { allPages, type MakeStores, TestClock, uid } from './fixtures'

/** ReferenceStore: longest-prefix lookups, the platform fallbacks, blacklist and stop words, listings. */
export function referenceContract(name: string, makeStores: MakeStores) {
  describe(`ReferenceStore (${name})`, () => {
    const setup = async () => ({ stores: await makeStores({ now: new TestClock().now }), plan: uid('plan') })

    it('picks the tariff of the longest matching prefix, with "" as the catch-all', async () => {
      const { stores, plan } = await setup()
      const t = (prefix: string, price: number) => ({ plan, prefix, price, currency: 'EUR', country: prefix ? 'DE' : undefined })
      for (const x of [t('', 9), t('49', 5), t('4917', 4)]) await stores.reference.putTariff(x)
      expect(await stores.reference.tariffFor(plan, '491701234567')).toMatchObject({ prefix: '4917', price: 4 })
      expect(await stores.reference.tariffFor(plan, '+49 30 1234')).toMatchObject({ prefix: '49', price: 5 })
      expect(await stores.reference.tariffFor(plan, '33612345678')).toMatchObject({ prefix: '', price: 9 })
      await stores.reference.deleteTariff(plan, '')
      expect(await stores.reference.tariffFor(plan, '33612345678')).toBeUndefined()
      expect(await stores.reference.tariffFor(uid('plan'), '491701234567')).toBeUndefined()
    })

    it("raises the rules' version after every write of a tariff, route, upstream tariff, blacklist entry or stop word", async () => {
      const { stores, plan } = await setup()
      const r = stores.reference
      const owner = uid('acct')
      const writes = [
        () => r.putTariff({ plan, prefix: '44', price: 5, currency: 'EUR' }),
        () => r.deleteTariff(plan, '44'),
        () => r.putRoute({ plan, prefix: '44', upstreams: [{ upstreamId: 'uk', priority: 1 }] }),
        () => r.deleteRoute(plan, '44'),
        () => r.putUpstreamTariff({ upstreamId: uid('up'), prefix: '44', cost: 2, currency: 'EUR' }),
        () => r.putBlacklist({ owner, number: '4477', scope: 'recipient' }),
        () => r.deleteBlacklist(owner, '4477'),
        () => r.putStopWord(owner, 'jackpot'),
        () => r.deleteStopWord(owner, 'jackpot'),
      ]
      for (const write of writes) {
        const before = await r.rulesVersion()
        await write()
        // Other tests share the table and raise it too: it only ever moves up.
        expect(await r.rulesVersion()).toBeGreaterThan(before)
      }
    })

    it("routes by the plan's longest prefix, else by the platform default '*'", async () => {
      const { stores, plan } = await setup()
      const upstreams = (id: string) => [
        { upstreamId: id, priority: 1 },
        { upstreamId: `${id}-backup`, priority: 2 },
      ]
      await stores.reference.putRoute({ plan, prefix: '44', upstreams: upstreams('uk') })
      const platformPrefix = `9${Math.floor(Math.random() * 1e6)}`
      await stores.reference.putRoute({ plan: '*', prefix: platformPrefix, upstreams: upstreams('default') })
      expect(await stores.reference.routeFor(plan, '447700900123')).toEqual({ plan, prefix: '44', upstreams: upstreams('uk') })
      expect(await stores.reference.routeFor(plan, `${platformPrefix}42`)).toEqual({
        plan: '*',
        prefix: platformPrefix,
        upstreams: upstreams('default'),
      })
      // A plan's own route wins even when the platform's prefix is longer.
      await stores.reference.putRoute({ plan, prefix: '', upstreams: upstreams('mine') })
      expect((await stores.reference.routeFor(plan, `${platformPrefix}42`))?.plan).toBe(plan)
      await stores.reference.deleteRoute('*', platformPrefix)
    })

    it('looks up upstreams and their tariffs', async () => {
      const { stores } = await setup()
      const upstreamId = uid('up')
      const upstream = { upstreamId, kind: 'http' as const, url: 'http://127.0.0.1:9/send', timeoutMs: 2000, secretRef: 'SIM_KEY' }
      await stores.reference.putUpstream(upstream)
      expect(await stores.reference.upstream(upstreamId)).toEqual(upstream)
      expect(await stores.reference.upstream(uid('up'))).toBeUndefined()
      await stores.reference.putUpstreamTariff({ upstreamId, prefix: '49', cost: 2, currency: 'EUR' })
      await stores.reference.putUpstreamTariff({ upstreamId, prefix: '491', cost: 3, currency: 'EUR' })
      expect(await stores.reference.upstreamTariffFor(upstreamId, '4915112345')).toEqual({
        upstreamId,
        prefix: '491',
        cost: 3,
        currency: 'EUR',
      })
      expect(await stores.reference.upstreamTariffFor(upstreamId, '3312345')).toBeUndefined()
      const listed = await allPages((c) => stores.reference.listUpstreams(50, c), 50)
      expect(listed.flat()).toContainEqual(upstream)
      expect((await stores.reference.listUpstreamTariffs(upstreamId, 10)).items.map((t) => t.prefix)).toEqual(['49', '491'])
    })

    it('finds blacklisted senders and recipients of the account and of the platform, by scope', async () => {
      const { stores } = await setup()
      const accountId = uid('acct')
      const n = () => `49${Math.floor(Math.random() * 1e10)}`
      const [sender, recipient, other] = [n(), n(), n()]
      const entries: BlacklistEntry[] = [
        { owner: accountId, number: sender, scope: 'sender' },
        { owner: '*', number: recipient, scope: 'both' },
        { owner: accountId, number: recipient, scope: 'sender' }, // scope does not cover a recipient
        { owner: uid('acct'), number: sender, scope: 'both' }, // another account's list
      ]
      for (const e of entries) await stores.reference.putBlacklist(e)
      const byOwner = (es: BlacklistEntry[]) => [...es].sort((a, b) => a.owner.localeCompare(b.owner))
      expect(byOwner(await stores.reference.blacklistHits(accountId, sender, recipient))).toEqual(byOwner([entries[0], entries[1]]))
      // As sender, `recipient` hits the account's sender-scoped entry and the platform's 'both' entry.
      expect(byOwner(await stores.reference.blacklistHits(accountId, recipient, other))).toEqual(byOwner([entries[1], entries[2]]))
      expect(await stores.reference.blacklistHits(accountId, other, other)).toEqual([])
      // An empty source_addr (SMPP 3.4 5.2.8, "NULL": the SMSC's default) is a normal submit (issue 8 e2e).
      expect(await stores.reference.blacklistHits(accountId, '', recipient)).toEqual([entries[1]])
      await stores.reference.deleteBlacklist('*', recipient)
      expect(await stores.reference.blacklistHits(accountId, sender, recipient)).toEqual([entries[0]])
      expect((await stores.reference.listBlacklist(accountId, 10)).items.map((e) => e.number).sort()).toEqual([sender, recipient].sort())
    })

    it("returns the account's and the platform's stop words, lower case", async () => {
      const { stores } = await setup()
      const accountId = uid('acct')
      await stores.reference.putStopWord(accountId, 'Free Money')
      await stores.reference.putStopWord(accountId, 'casino')
      const platformWord = uid('Lottery').toLowerCase()
      await stores.reference.putStopWord('*', platformWord)
      const words = await stores.reference.stopWords(accountId)
      expect(words.slice(0, 2)).toEqual(['casino', 'free money'])
      expect(words).toContain(platformWord)
      expect(await stores.reference.listStopWords(accountId)).toEqual(['casino', 'free money'])
      await stores.reference.deleteStopWord(accountId, 'FREE MONEY')
      expect(await stores.reference.listStopWords(accountId)).toEqual(['casino'])
      await stores.reference.deleteStopWord('*', platformWord)
    })

    it('maps MO numbers and API keys', async () => {
      const { stores } = await setup()
      const [msisdn, accountId, keyHash] = [`4915${Math.floor(Math.random() * 1e9)}`, uid('acct'), uid('sha256')]
      await stores.reference.putNumber(msisdn, accountId)
      expect(await stores.reference.numberOwner(msisdn)).toBe(accountId)
      expect((await allPages((c) => stores.reference.listNumbers(100, c), 100)).flat()).toContainEqual({ msisdn, accountId })
      expect(await stores.reference.moNumber(msisdn)).toEqual({ msisdn, accountId })
      await stores.reference.putNumber(msisdn, accountId, ['carrier-a', 'carrier-b'])
      expect(await stores.reference.moNumber(msisdn)).toEqual({ msisdn, accountId, upstreams: ['carrier-a', 'carrier-b'] })
      await stores.reference.deleteNumber(msisdn)
      expect(await stores.reference.numberOwner(msisdn)).toBeUndefined()
      expect(await stores.reference.moNumber(msisdn)).toBeUndefined()
      const key = { keyHash, role: 'finance' as const, name: 'books', createdAt: new Date(0).toISOString() }
      await stores.reference.putApiKey(key)
      expect(await stores.reference.apiKey(keyHash)).toEqual(key)
      await stores.reference.deleteApiKey(keyHash)
      expect(await stores.reference.apiKey(keyHash)).toBeUndefined()
    })

    it('pages through a listing in key order, each item once', async () => {
      const { stores, plan } = await setup()
      const prefixes = ['', '1', '31', '32', '33', '44', '49']
      for (const p of prefixes) await stores.reference.putTariff({ plan, prefix: p, price: 1, currency: 'EUR' })
      const pages = await allPages((c) => stores.reference.listTariffs(plan, 3, c), 3)
      expect(pages.flat().map((t) => t.prefix)).toEqual(prefixes)
      expect(pages.length).toBeGreaterThanOrEqual(3)
      await expect(stores.reference.listTariffs(plan, 3, 'not-a-cursor')).rejects.toThrow(/cursor/)
    })
  })
}
