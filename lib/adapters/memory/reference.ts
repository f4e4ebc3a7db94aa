import type { ApiKey, BlacklistEntry, MoNumber, Route, Tariff, Upstream, UpstreamTariff } from '../../domain/model'
import type { ReferenceStore } from '../../ports'
import { longest, blacklistMatches as matches, Pk, prefixesOf, RulesVersion, Sk } from '../keys'
import { copy, type MemoryState, pageOf, partition } from './state'

/** Reference data in the reference table's own layout (pk -> sk -> item), so lookups behave identically. */
export function memoryReference(state: MemoryState): ReferenceStore {
  const items = state.reference
  const get = <T>(pk: string, sk: string) => {
    const v = items.get(pk)?.get(sk) as T | undefined
    return v && copy(v)
  }
  const put = (pk: string, sk: string, v: unknown) => void partition(items, pk).set(sk, copy(v))
  const del = (pk: string, sk: string) => void items.get(pk)?.delete(sk)
  // The rules' version lives beside them, as in DynamoDB (../dynamo/reference.ts), so every store on this state sees it.
  const version = () => (items.get(RulesVersion.pk)?.get(RulesVersion.sk) as number | undefined) ?? 0
  const rule = (write: () => void) => {
    write()
    partition(items, RulesVersion.pk).set(RulesVersion.sk, version() + 1)
  }
  const byPrefix = <T>(pk: string, destination: string) => longest(prefixesOf(destination), (p) => get<T>(pk, Sk.prefix(p)))
  const owners = (accountId: string) => [...new Set([accountId, '*'])]

  return {
    async tariffFor(plan, destination) {
      return byPrefix<Tariff>(Pk.tariff(plan), destination)
    },
    async routeFor(plan, destination) {
      return byPrefix<Route>(Pk.route(plan), destination) ?? byPrefix<Route>(Pk.route('*'), destination)
    },
    async upstream(upstreamId) {
      return get<Upstream>(Pk.upstream, upstreamId)
    },
    async upstreamTariffFor(upstreamId, destination) {
      return byPrefix<UpstreamTariff>(Pk.upstreamTariff(upstreamId), destination)
    },
    async blacklistHits(accountId, sender, recipient) {
      const hits: BlacklistEntry[] = []
      for (const owner of owners(accountId)) {
        for (const number of new Set([sender, recipient])) {
          const e = get<BlacklistEntry>(Pk.blacklist(owner), number)
          if (e && matches(e, sender, recipient)) hits.push(e)
        }
      }
      return hits
    },
    async stopWords(accountId) {
      return owners(accountId).flatMap((o) => [...(items.get(Pk.stopWords(o))?.keys() ?? [])].sort())
    },
    async numberOwner(msisdn) {
      return get<{ accountId: string }>(Pk.number, msisdn)?.accountId
    },
    async moNumber(msisdn) {
      return get<MoNumber>(Pk.number, msisdn)
    },
    async apiKey(keyHash) {
      return get<ApiKey>(Pk.apiKey, keyHash)
    },

    rulesVersion: async () => version(),
    putTariff: async (t) => rule(() => put(Pk.tariff(t.plan), Sk.prefix(t.prefix), t)),
    deleteTariff: async (plan, prefix) => rule(() => del(Pk.tariff(plan), Sk.prefix(prefix))),
    listTariffs: async (plan, limit, cursor) => pageOf(items.get(Pk.tariff(plan)) as Map<string, Tariff>, limit, cursor),
    putRoute: async (r) => rule(() => put(Pk.route(r.plan), Sk.prefix(r.prefix), r)),
    deleteRoute: async (plan, prefix) => rule(() => del(Pk.route(plan), Sk.prefix(prefix))),
    listRoutes: async (plan, limit, cursor) => pageOf(items.get(Pk.route(plan)) as Map<string, Route>, limit, cursor),
    putUpstream: async (u) => put(Pk.upstream, u.upstreamId, u),
    listUpstreams: async (limit, cursor) => pageOf(items.get(Pk.upstream) as Map<string, Upstream>, limit, cursor),
    putUpstreamTariff: async (t) => rule(() => put(Pk.upstreamTariff(t.upstreamId), Sk.prefix(t.prefix), t)),
    listUpstreamTariffs: async (upstreamId, limit, cursor) =>
      pageOf(items.get(Pk.upstreamTariff(upstreamId)) as Map<string, UpstreamTariff>, limit, cursor),
    putBlacklist: async (e) => rule(() => put(Pk.blacklist(e.owner), e.number, e)),
    deleteBlacklist: async (owner, number) => rule(() => del(Pk.blacklist(owner), number)),
    listBlacklist: async (owner, limit, cursor) => pageOf(items.get(Pk.blacklist(owner)) as Map<string, BlacklistEntry>, limit, cursor),
    putStopWord: async (owner, phrase) => rule(() => put(Pk.stopWords(owner), phrase.toLowerCase(), { owner })),
    deleteStopWord: async (owner, phrase) => rule(() => del(Pk.stopWords(owner), phrase.toLowerCase())),
    listStopWords: async (owner) => [...(items.get(Pk.stopWords(owner))?.keys() ?? [])].sort(),
    putNumber: async (msisdn, accountId, upstreams) =>
      put(Pk.number, msisdn, { msisdn, accountId, ...(upstreams?.length ? { upstreams } : {}) }),
    deleteNumber: async (msisdn) => del(Pk.number, msisdn),
    listNumbers: async (limit, cursor) => pageOf(items.get(Pk.number) as Map<string, MoNumber>, limit, cursor),
    putApiKey: async (k) => put(Pk.apiKey, k.keyHash, k),
    deleteApiKey: async (keyHash) => del(Pk.apiKey, keyHash),
  }
}
