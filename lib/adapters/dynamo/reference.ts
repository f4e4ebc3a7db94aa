import { DeleteItemCommand, type DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import type { ApiKey, BlacklistEntry, MoNumber, Route, Tariff, Upstream, UpstreamTariff } from '../../domain/model'
import type { Page, ReferenceStore } from '../../ports'
import { blacklistMatches, longest, Pk, prefixesOf, RulesVersion, Sk } from '../keys'
import { batchGet, fromItem, type Item, queryAll, queryPage, toItem, values } from './item'

/**
 * reference items, each { pk, sk, ...entity } (lib/resources.ts lists the access patterns):
 *   tariff          TARIFF#<plan>            P#<prefix>   Tariff
 *   route           ROUTE#<plan>             P#<prefix>   Route (upstreams as a list of maps)
 *   upstream        UPSTREAM                 <upstreamId> Upstream
 *   upstream tariff UPTARIFF#<upstreamId>    P#<prefix>   UpstreamTariff
 *   blacklist       BLACKLIST#<owner>        <number>     BlacklistEntry
 *   stop word       STOPWORDS#<owner>        <phrase>     { owner }
 *   MO number       NUMBER                   <msisdn>     MoNumber { msisdn, accountId, upstreams? }
 *   API key         APIKEY                   <keyHash>    ApiKey
 *   rules' version  VERSION                  rules        { v }: raised after each write of the five rule kinds above
 * The P# in prefix keys keeps '' (the catch-all) a valid, non-empty sort key.
 */
const strip = <T>(item: Item) => fromItem<T>(item, ['pk', 'sk'])

export function dynamoReference(db: DynamoDBClient, table: string): ReferenceStore {
  const key = (pk: string, sk: string) => toItem({ pk, sk })
  const get = async <T>(pk: string, sk: string) => {
    const out = await db.send(new GetItemCommand({ TableName: table, Key: key(pk, sk) }))
    return out.Item && strip<T>(out.Item)
  }
  const put = async (pk: string, sk: string, entity: object) => {
    await db.send(new PutItemCommand({ TableName: table, Item: toItem({ ...entity, pk, sk }) }))
  }
  const del = async (pk: string, sk: string) => {
    await db.send(new DeleteItemCommand({ TableName: table, Key: key(pk, sk) }))
  }
  // After the rule's own write, so a reader that sees the new version reads the new rule (a write that fails
  // before it is answered as failed to the operator, whose retry raises it).
  const rule = async (write: Promise<void>) => {
    await write
    await db.send(
      new UpdateItemCommand({
        TableName: table,
        Key: key(RulesVersion.pk, RulesVersion.sk),
        UpdateExpression: 'ADD v :one',
        ExpressionAttributeValues: values({ ':one': 1 }),
      }),
    )
  }
  const list = async <T>(pk: string, limit: number, cursor?: string): Promise<Page<T>> => {
    const query = { TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: values({ ':pk': pk }) }
    const page = await queryPage(db, query, limit, cursor)
    return { items: page.items.map(strip<T>), ...(page.cursor ? { cursor: page.cursor } : {}) }
  }
  /**
   * Longest prefix in one request: BatchGetItem of every prefix of the destination under each
   * partition, then the longest hit of the first partition that has one (plan before platform default).
   */
  const byPrefix = async <T>(pks: string[], destination: string): Promise<T | undefined> => {
    const prefixes = prefixesOf(destination)
    const found = await batchGet(
      db,
      table,
      pks.flatMap((pk) => prefixes.map((p) => key(pk, Sk.prefix(p)))),
    )
    const bySk = new Map(found.map((i) => [`${i.pk.S}\u0000${i.sk.S}`, i]))
    for (const pk of pks) {
      const hit = longest(prefixes, (p) => bySk.get(`${pk}\u0000${Sk.prefix(p)}`))
      if (hit) return strip<T>(hit)
    }
    return undefined
  }
  const owners = (accountId: string) => [...new Set([accountId, '*'])]
  const phrases = async (owner: string) =>
    (
      await queryAll(db, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ProjectionExpression: 'sk',
        ExpressionAttributeValues: values({ ':pk': Pk.stopWords(owner) }),
      })
    ).map((i) => i.sk.S!)

  return {
    tariffFor: (plan, destination) => byPrefix<Tariff>([Pk.tariff(plan)], destination),
    routeFor: (plan, destination) => byPrefix<Route>([...new Set([Pk.route(plan), Pk.route('*')])], destination),
    upstream: (upstreamId) => get<Upstream>(Pk.upstream, upstreamId),
    upstreamTariffFor: (upstreamId, destination) => byPrefix<UpstreamTariff>([Pk.upstreamTariff(upstreamId)], destination),
    async blacklistHits(accountId, sender, recipient) {
      // One BatchGetItem: sender and recipient, under the account and the platform. An empty source_addr (SMPP 3.4
      // 5.2.8: NULL lets the SMSC choose) is no key: DynamoDB refuses an empty key attribute.
      const numbers = [...new Set([sender, recipient])].filter((n) => n !== '')
      const keys = owners(accountId).flatMap((o) => numbers.map((n) => key(Pk.blacklist(o), n)))
      const found = await batchGet(db, table, keys)
      return found.map(strip<BlacklistEntry>).filter((e) => blacklistMatches(e, sender, recipient))
    },
    async stopWords(accountId) {
      return (await Promise.all(owners(accountId).map(phrases))).flat()
    },
    numberOwner: async (msisdn) => (await get<{ accountId: string }>(Pk.number, msisdn))?.accountId,
    moNumber: (msisdn) => get<MoNumber>(Pk.number, msisdn),
    apiKey: (keyHash) => get<ApiKey>(Pk.apiKey, keyHash),
    async rulesVersion() {
      const out = await db.send(new GetItemCommand({ TableName: table, Key: key(RulesVersion.pk, RulesVersion.sk), ConsistentRead: true }))
      return Number(out.Item?.v?.N ?? 0)
    },

    putTariff: (t) => rule(put(Pk.tariff(t.plan), Sk.prefix(t.prefix), t)),
    deleteTariff: (plan, prefix) => rule(del(Pk.tariff(plan), Sk.prefix(prefix))),
    listTariffs: (plan, limit, cursor) => list<Tariff>(Pk.tariff(plan), limit, cursor),
    putRoute: (r) => rule(put(Pk.route(r.plan), Sk.prefix(r.prefix), r)),
    deleteRoute: (plan, prefix) => rule(del(Pk.route(plan), Sk.prefix(prefix))),
    listRoutes: (plan, limit, cursor) => list<Route>(Pk.route(plan), limit, cursor),
    putUpstream: (u) => put(Pk.upstream, u.upstreamId, u),
    listUpstreams: (limit, cursor) => list<Upstream>(Pk.upstream, limit, cursor),
    putUpstreamTariff: (t) => rule(put(Pk.upstreamTariff(t.upstreamId), Sk.prefix(t.prefix), t)),
    listUpstreamTariffs: (upstreamId, limit, cursor) => list<UpstreamTariff>(Pk.upstreamTariff(upstreamId), limit, cursor),
    putBlacklist: (e) => rule(put(Pk.blacklist(e.owner), e.number, e)),
    deleteBlacklist: (owner, number) => rule(del(Pk.blacklist(owner), number)),
    listBlacklist: (owner, limit, cursor) => list<BlacklistEntry>(Pk.blacklist(owner), limit, cursor),
    putStopWord: (owner, phrase) => rule(put(Pk.stopWords(owner), phrase.toLowerCase(), { owner })),
    deleteStopWord: (owner, phrase) => rule(del(Pk.stopWords(owner), phrase.toLowerCase())),
    listStopWords: (owner) => phrases(owner),
    putNumber: (msisdn, accountId, upstreams) => put(Pk.number, msisdn, { msisdn, accountId, ...(upstreams?.length ? { upstreams } : {}) }),
    deleteNumber: (msisdn) => del(Pk.number, msisdn),
    listNumbers: (limit, cursor) => list<MoNumber>(Pk.number, limit, cursor),
    putApiKey: (k) => put(Pk.apiKey, k.keyHash, k),
    deleteApiKey: (keyHash) => del(Pk.apiKey, keyHash),
  }
}
