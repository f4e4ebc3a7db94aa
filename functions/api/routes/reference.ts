import { z } from '@hono/zod-openapi'
import type { Page } from '../../../lib/ports'
import { DispatchRun } from '../../../lib/resources'
import type { ApiApp, ApiDeps } from '../context'
import { scopedPage, storeCursor } from '../cursor'
import { notFound } from '../errors'
import { secured } from '../route'
import { AccountId, Currency, json, jsonBody, Minor, Msisdn, NoContent, Owner, PageQuery, Prefix, pageOf } from '../schemas'

/** Operator reference data: tariffs, routes, upstreams and their tariffs, blacklists, stop words, MO numbers. Admin only. */

const Plan = z.string().min(1).max(64).openapi({ example: 'demo', description: "a tariff plan; for routes '*' is the platform default" })
const Tariff = z
  .object({ plan: Plan, prefix: Prefix, price: Minor.min(0), currency: Currency, country: z.string().max(64).optional() })
  .openapi('Tariff')
const UpstreamId = z
  .string()
  .regex(/^[\w.-]{1,64}$/, 'letters, digits, _ . -')
  .openapi({ example: 'sim' })
const Route = z
  .object({
    plan: Plan,
    prefix: Prefix,
    upstreams: z
      .array(z.object({ upstreamId: UpstreamId, priority: z.number().int().min(0) }))
      .min(1)
      .max(10),
  })
  .openapi('Route')
const Upstream = z
  .object({
    upstreamId: UpstreamId,
    kind: z.enum(['http', 'smpp']),
    url: z.url({ protocol: /^https?$/ }).optional(),
    secretRef: z.string().max(256).optional().openapi({ description: 'name of the secret holding credentials, never the secret' }),
    timeoutMs: z.number().int().min(100).max(DispatchRun.maxUpstreamTimeoutMs), // the dispatch timeout is derived from it
    smpp: z.record(z.string(), z.unknown()).optional(),
    // Issue 17: the shift tables this carrier accepts; a UCS2 text that fits one goes to it as GSM 7-bit, billed so.
    shiftTables: z.array(z.number().int().min(1).max(13)).max(13).optional().openapi({
      description:
        'National Language Identifiers (3GPP TS 23.038 6.2.1.2.4: 1 Turkish, 2 Spanish, 3 Portuguese, 4-13 Indian) whose shift tables the carrier accepts; none by default',
    }),
    echoesMessageId: z.boolean().optional().openapi({
      description:
        "true when every receipt of this carrier carries our messageId: its messages are not indexed by the carrier's id (a cheaper dispatch write)",
    }),
  })
  .openapi('Upstream')
const UpstreamTariff = z.object({ prefix: Prefix, cost: Minor.min(0), currency: Currency }).openapi('UpstreamTariff')
const Blacklist = z.object({ owner: Owner, number: Msisdn, scope: z.enum(['sender', 'recipient', 'both']) }).openapi('BlacklistEntry')
const StopWord = z.object({ owner: Owner, phrase: z.string().trim().min(1).max(200) }).openapi('StopWord')
const MoNumber = z
  .object({
    msisdn: Msisdn,
    accountId: AccountId,
    // Carriers that may deliver MO to this number besides those of the account's route to it (lib/domain/mo-routing.ts).
    upstreams: z
      .array(z.string().regex(/^[\w.-]{1,64}$/))
      .max(20)
      .optional(),
  })
  .openapi('MoNumber')

export function registerReference(app: ApiApp, deps: ApiDeps) {
  const ref = deps.stores.reference
  const admin = ['admin'] as const
  const PlanQuery = z.object({ plan: Plan })
  const PlanPrefix = z.object({ plan: Plan, prefix: Prefix })

  // Tariffs and routes are both keyed by (plan, prefix): one shape of listing, put and delete.
  const planData = <T extends { plan: string; prefix: string }>(
    name: 'tariffs' | 'routes',
    schema: z.ZodType<T>,
    ops: {
      list: (plan: string, limit: number, cursor?: string) => Promise<Page<T>>
      put: (v: T) => Promise<void>
      del: (plan: string, prefix: string) => Promise<void>
    },
  ) => {
    const tags = [name]
    app.openapi(
      secured(deps, admin, {
        method: 'get',
        path: `/${name}`,
        tags,
        summary: `List the ${name} of a plan`,
        request: { query: PlanQuery.extend(PageQuery.shape) },
        responses: { 200: json(pageOf(schema), 'one page') },
      }),
      async (c) => {
        const q = c.req.valid('query')
        const scope = `${name}:${q.plan}`
        return c.json(scopedPage(scope, await ops.list(q.plan, q.limit, storeCursor(scope, q.cursor))) as never, 200)
      },
    )
    app.openapi(
      secured(deps, admin, {
        method: 'put',
        path: `/${name}`,
        tags,
        summary: `Create or replace one of a plan's ${name} (by plan and prefix)`,
        request: { body: jsonBody(schema) },
        responses: { 200: json(schema, 'stored') },
      }),
      async (c) => {
        const body = c.req.valid('json') as T
        await ops.put(body)
        return c.json(body as never, 200)
      },
    )
    app.openapi(
      secured(deps, admin, {
        method: 'delete',
        path: `/${name}`,
        tags,
        summary: `Delete one of a plan's ${name}`,
        request: { query: PlanPrefix },
        responses: { 204: NoContent },
      }),
      async (c) => {
        const q = c.req.valid('query')
        await ops.del(q.plan, q.prefix)
        return c.body(null, 204)
      },
    )
  }
  planData('tariffs', Tariff, {
    list: (p, l, c) => ref.listTariffs(p, l, c),
    put: (t) => ref.putTariff(t),
    del: (p, x) => ref.deleteTariff(p, x),
  })
  planData('routes', Route, {
    list: (p, l, c) => ref.listRoutes(p, l, c),
    put: (r) => ref.putRoute(r),
    del: (p, x) => ref.deleteRoute(p, x),
  })

  const tags = ['upstreams']
  app.openapi(
    secured(deps, admin, {
      method: 'get',
      path: '/upstreams',
      tags,
      summary: 'List upstreams',
      request: { query: PageQuery },
      responses: { 200: json(pageOf(Upstream), 'one page') },
    }),
    async (c) => {
      const q = c.req.valid('query')
      return c.json(scopedPage('upstreams', await ref.listUpstreams(q.limit, storeCursor('upstreams', q.cursor))), 200)
    },
  )
  app.openapi(
    secured(deps, admin, {
      method: 'put',
      path: '/upstreams',
      tags,
      summary: 'Create or replace an upstream',
      request: { body: jsonBody(Upstream) },
      responses: { 200: json(Upstream, 'stored') },
    }),
    async (c) => {
      await ref.putUpstream(c.req.valid('json'))
      return c.json(c.req.valid('json'), 200)
    },
  )
  const UpstreamParam = z.object({ upstreamId: UpstreamId.openapi({ param: { name: 'upstreamId', in: 'path' } }) })
  app.openapi(
    secured(deps, admin, {
      method: 'get',
      path: '/upstreams/{upstreamId}/tariffs',
      tags,
      summary: "An upstream's costs per prefix",
      request: { params: UpstreamParam, query: PageQuery },
      responses: { 200: json(pageOf(UpstreamTariff.extend({ upstreamId: z.string() })), 'one page') },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const { upstreamId } = c.req.valid('param')
      const scope = `upstream-tariffs:${upstreamId}`
      return c.json(scopedPage(scope, await ref.listUpstreamTariffs(upstreamId, q.limit, storeCursor(scope, q.cursor))), 200)
    },
  )
  app.openapi(
    secured(deps, admin, {
      method: 'put',
      path: '/upstreams/{upstreamId}/tariffs',
      tags,
      summary: "Create or replace an upstream's cost for a prefix",
      request: { params: UpstreamParam, body: jsonBody(UpstreamTariff) },
      responses: { 200: json(UpstreamTariff.extend({ upstreamId: z.string() }), 'stored') },
    }),
    async (c) => {
      const { upstreamId } = c.req.valid('param')
      if (!(await ref.upstream(upstreamId))) notFound(`upstream ${upstreamId}`)
      const t = { upstreamId, ...c.req.valid('json') }
      await ref.putUpstreamTariff(t)
      return c.json(t, 200)
    },
  )

  const OwnerQuery = z.object({ owner: Owner })
  app.openapi(
    secured(deps, admin, {
      method: 'get',
      path: '/blacklist',
      tags: ['blacklist'],
      summary: "An account's (or the platform's) blacklist",
      request: { query: OwnerQuery.extend(PageQuery.shape) },
      responses: { 200: json(pageOf(Blacklist), 'one page') },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const scope = `blacklist:${q.owner}`
      return c.json(scopedPage(scope, await ref.listBlacklist(q.owner, q.limit, storeCursor(scope, q.cursor))), 200)
    },
  )
  app.openapi(
    secured(deps, admin, {
      method: 'put',
      path: '/blacklist',
      tags: ['blacklist'],
      summary: 'Blacklist a number as sender, recipient or both',
      request: { body: jsonBody(Blacklist) },
      responses: { 200: json(Blacklist, 'stored') },
    }),
    async (c) => {
      await ref.putBlacklist(c.req.valid('json'))
      return c.json(c.req.valid('json'), 200)
    },
  )
  app.openapi(
    secured(deps, admin, {
      method: 'delete',
      path: '/blacklist',
      tags: ['blacklist'],
      summary: 'Remove a number from a blacklist',
      request: { query: OwnerQuery.extend({ number: Msisdn }) },
      responses: { 204: NoContent },
    }),
    async (c) => {
      const q = c.req.valid('query')
      await ref.deleteBlacklist(q.owner, q.number)
      return c.body(null, 204)
    },
  )

  app.openapi(
    secured(deps, admin, {
      method: 'get',
      path: '/stop-words',
      tags: ['stop words'],
      summary: "An account's (or the platform's) stop words and phrases",
      request: { query: OwnerQuery },
      responses: { 200: json(z.object({ items: z.array(z.string()) }), 'all of them, lower case') },
    }),
    async (c) => c.json({ items: await ref.listStopWords(c.req.valid('query').owner) }, 200),
  )
  app.openapi(
    secured(deps, admin, {
      method: 'put',
      path: '/stop-words',
      tags: ['stop words'],
      summary: 'Add a stop word or phrase (matched case-insensitively)',
      request: { body: jsonBody(StopWord) },
      responses: { 200: json(StopWord, 'stored') },
    }),
    async (c) => {
      const w = { ...c.req.valid('json'), phrase: c.req.valid('json').phrase.toLowerCase() }
      await ref.putStopWord(w.owner, w.phrase)
      return c.json(w, 200)
    },
  )
  app.openapi(
    secured(deps, admin, {
      method: 'delete',
      path: '/stop-words',
      tags: ['stop words'],
      summary: 'Remove a stop word or phrase',
      request: { query: StopWord },
      responses: { 204: NoContent },
    }),
    async (c) => {
      const q = c.req.valid('query')
      await ref.deleteStopWord(q.owner, q.phrase.toLowerCase())
      return c.body(null, 204)
    },
  )

  app.openapi(
    secured(deps, admin, {
      method: 'get',
      path: '/numbers',
      tags: ['MO numbers'],
      summary: 'Numbers whose MO messages go to an account',
      request: { query: PageQuery },
      responses: { 200: json(pageOf(MoNumber), 'one page') },
    }),
    async (c) => {
      const q = c.req.valid('query')
      return c.json(scopedPage('numbers', await ref.listNumbers(q.limit, storeCursor('numbers', q.cursor))), 200)
    },
  )
  app.openapi(
    secured(deps, admin, {
      method: 'put',
      path: '/numbers',
      tags: ['MO numbers'],
      summary: "Send a number's MO messages to an account",
      request: { body: jsonBody(MoNumber) },
      responses: { 200: json(MoNumber, 'stored') },
    }),
    async (c) => {
      const n = c.req.valid('json')
      if (!(await deps.stores.accounts.get(n.accountId))) notFound(`account ${n.accountId}`)
      await ref.putNumber(n.msisdn, n.accountId, n.upstreams)
      return c.json(n, 200)
    },
  )
  const MsisdnParam = z.object({ msisdn: Msisdn.openapi({ param: { name: 'msisdn', in: 'path' } }) })
  app.openapi(
    secured(deps, admin, {
      method: 'delete',
      path: '/numbers/{msisdn}',
      tags: ['MO numbers'],
      summary: 'Stop routing a number to an account',
      request: { params: MsisdnParam },
      responses: { 204: NoContent },
    }),
    async (c) => {
      await ref.deleteNumber(c.req.valid('param').msisdn)
      return c.body(null, 204)
    },
  )
}
