import { z } from '@hono/zod-openapi'
import type { ApiApp, ApiDeps } from '../context'
import { scopedPage, storeCursor } from '../cursor'
import { ApiError } from '../errors'
import { withDecimals } from '../money'
import { secured } from '../route'
import { Currency, Day, json } from '../schemas'
import { daysBetween, groupUsage, MaxReportDays, type UsageFigures } from '../usage'
import { figures } from './finance'

/**
 * Operator totals across accounts (issue 19): revenue must not include test traffic, so each account's row says
 * whether it is a sandbox account, and the page's totals keep live and sandbox money apart, per currency.
 * Bounded work per request: one page of accounts (a paginated Scan, as GET /accounts) and one usage Query each.
 */
const MaxAccountsPerPage = 200
const Concurrency = 8
const dayMs = 86_400_000

const ByCurrency = z.array(z.object({ currency: Currency, accounts: z.number().int(), ...figures }))
const UsageTotals = z
  .object({
    from: Day,
    to: Day,
    accounts: z.array(z.object({ accountId: z.string(), sandbox: z.boolean(), currency: Currency, ...figures })),
    totals: z.object({
      live: ByCurrency.openapi({ description: 'real revenue: live accounts only' }),
      sandbox: ByCurrency.openapi({ description: 'test credit spent by sandbox accounts: not revenue' }),
    }),
    cursor: z.string().optional().openapi({ description: 'more accounts follow: their totals come on the next page' }),
  })
  .openapi('UsageTotals')
const Query = z.object({
  from: Day.optional().openapi({ description: 'first day (UTC), default 29 days before `to`' }),
  to: Day.optional().openapi({ description: 'last day (UTC), inclusive; default today' }),
  limit: z.coerce.number().int().min(1).max(MaxAccountsPerPage).default(100),
  cursor: z.string().max(4096).optional(),
})

const zero = (): UsageFigures => ({ messages: 0, parts: 0, cost: 0, refunds: 0, net: 0, partsSaved: 0 })

/** Sums per currency: minor units of different currencies never add up. */
function byCurrency(rows: readonly (UsageFigures & { currency: string })[]) {
  const sums = new Map<string, UsageFigures & { accounts: number }>()
  for (const r of rows) {
    const s = sums.get(r.currency) ?? { ...zero(), accounts: 0 }
    s.accounts += 1
    s.messages += r.messages
    s.parts += r.parts
    s.cost += r.cost
    s.refunds += r.refunds
    s.partsSaved += r.partsSaved
    s.net = s.cost - s.refunds
    sums.set(r.currency, s)
  }
  return [...sums]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, s]) => ({ currency, ...withDecimals(s, ['cost', 'refunds', 'net'], currency) }))
}

export function registerFinanceTotals(app: ApiApp, deps: ApiDeps) {
  app.openapi(
    secured(deps, ['admin', 'finance'], {
      method: 'get',
      path: '/usage',
      tags: ['finance'],
      summary: 'Usage of every account for a period, sandbox accounts labelled and totalled apart from live revenue',
      description: 'one page of accounts per request; the totals are those of the page, so add the pages up (docs/API.md)',
      request: { query: Query },
      responses: { 200: json(UsageTotals, 'one page of accounts and their totals') },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const to = q.to ?? deps.now().toISOString().slice(0, 10)
      const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * dayMs).toISOString().slice(0, 10)
      if (from > to) throw new ApiError(400, 'invalid_period', '`from` is after `to`')
      if (daysBetween(from, to).length > MaxReportDays)
        throw new ApiError(400, 'invalid_period', `a report spans at most ${MaxReportDays} days`)
      const page = await deps.stores.accounts.list(q.limit, storeCursor('usage-totals', q.cursor))
      const rows: (UsageFigures & { accountId: string; sandbox: boolean; currency: string })[] = []
      for (let i = 0; i < page.items.length; i += Concurrency) {
        const batch = page.items.slice(i, i + Concurrency)
        const totals = await Promise.all(
          batch.map(async (a) => groupUsage(await deps.stores.usage.query(a.accountId, from, to), 'day', from, to).totals),
        )
        for (const [j, a] of batch.entries())
          rows.push({ accountId: a.accountId, sandbox: a.sandbox === true, currency: a.currency, ...totals[j] })
      }
      const { cursor } = scopedPage('usage-totals', page)
      return c.json(
        {
          from,
          to,
          accounts: rows.map((r) => withDecimals(r, ['cost', 'refunds', 'net'], r.currency)),
          totals: { live: byCurrency(rows.filter((r) => !r.sandbox)), sandbox: byCurrency(rows.filter((r) => r.sandbox)) },
          ...(cursor ? { cursor } : {}),
        },
        200,
      )
    },
  )
}
