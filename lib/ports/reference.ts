import type { ApiKey, BlacklistEntry, MoNumber, Route, Tariff, Upstream, UpstreamTariff } from '../domain/model'
import type { Page } from './accounts'

/** Operator-managed reference data. Lookups by destination pick the longest matching prefix ('' matches all). */
export interface ReferenceStore {
  tariffFor(plan: string, destination: string): Promise<Tariff | undefined>
  /** The plan's route, else the platform default plan '*'. */
  routeFor(plan: string, destination: string): Promise<Route | undefined>
  upstream(upstreamId: string): Promise<Upstream | undefined>
  upstreamTariffFor(upstreamId: string, destination: string): Promise<UpstreamTariff | undefined>
  /** Entries of the account and of the platform ('*') that match the sender or the recipient. */
  blacklistHits(accountId: string, sender: string, recipient: string): Promise<BlacklistEntry[]>
  /** Stop words and phrases of the account and of the platform, lower case. */
  stopWords(accountId: string): Promise<string[]>
  numberOwner(msisdn: string): Promise<string | undefined>
  /** The MO number entry: its account and the upstreams named for its MO. */
  moNumber(msisdn: string): Promise<MoNumber | undefined>
  apiKey(keyHash: string): Promise<ApiKey | undefined>
  /**
   * A number every write of a tariff, route, upstream tariff, blacklist entry or stop word raises once it is
   * written (a consistent read): a reader that kept those rows knows they may have changed (functions/reference-cache.ts).
   */
  rulesVersion(): Promise<number>

  // Operator writes and listings (API only).
  putTariff(t: Tariff): Promise<void>
  deleteTariff(plan: string, prefix: string): Promise<void>
  listTariffs(plan: string, limit: number, cursor?: string): Promise<Page<Tariff>>
  putRoute(r: Route): Promise<void>
  deleteRoute(plan: string, prefix: string): Promise<void>
  listRoutes(plan: string, limit: number, cursor?: string): Promise<Page<Route>>
  putUpstream(u: Upstream): Promise<void>
  listUpstreams(limit: number, cursor?: string): Promise<Page<Upstream>>
  putUpstreamTariff(t: UpstreamTariff): Promise<void>
  listUpstreamTariffs(upstreamId: string, limit: number, cursor?: string): Promise<Page<UpstreamTariff>>
  putBlacklist(e: BlacklistEntry): Promise<void>
  deleteBlacklist(owner: string, number: string): Promise<void>
  listBlacklist(owner: string, limit: number, cursor?: string): Promise<Page<BlacklistEntry>>
  putStopWord(owner: string, phrase: string): Promise<void>
  deleteStopWord(owner: string, phrase: string): Promise<void>
  listStopWords(owner: string): Promise<string[]>
  putNumber(msisdn: string, accountId: string, upstreams?: string[]): Promise<void>
  deleteNumber(msisdn: string): Promise<void>
  listNumbers(limit: number, cursor?: string): Promise<Page<MoNumber>>
  putApiKey(k: ApiKey): Promise<void>
  deleteApiKey(keyHash: string): Promise<void>
}
