import { z } from '@hono/zod-openapi'
import type { ApiApp, ApiDeps } from '../context'
import { csvHeaders, toCsv } from '../csv'
import { scopedPage, storeCursor } from '../cursor'
import { ApiError, notFound } from '../errors'
import { decimal, withDecimals } from '../money'
import { secured } from '../route'
import { ledgerAll, ledgerPage } from '../running-balance'
import { AccountParam, Currency, Day, DecimalString, fromIso, Instant, json, Minor, PageQuery, pageOf, toIso } from '../schemas'
import { daysBetween, type GroupBy, GroupBys, groupUsage, MaxReportDays, type UsageFigures } from '../usage'

const Readers = ['admin', 'finance', 'own'] as const
const Format = z.enum(['json', 'csv']).default('json')
const dayMs = 86_400_000
const today = (deps: ApiDeps) => deps.now().toISOString().slice(0, 10)

// Issue 19: a sandbox account's money is test credit, not revenue; every finance view says which kind it shows.
const SandboxLabel = z.boolean().openapi({ description: 'a sandbox account: test credit and test traffic, never revenue' })

/** One usage figure set, as the usage report and the cross-account totals (./finance-totals.ts) both answer it. */
export const figures = {
  messages: z.number().int(),
  parts: z.number().int(),
  cost: Minor,
  costDecimal: DecimalString,
  refunds: Minor,
  refundsDecimal: DecimalString,
  net: Minor,
  netDecimal: DecimalString,
  partsSaved: z.number().int().openapi({
    description: 'parts the UCS2 texts would have cost minus the parts billed, saved by national language shift tables (issue 17)',
  }),
}
const UsageReport = z
  .object({
    accountId: z.string(),
    sandbox: SandboxLabel,
    currency: Currency,
    from: Day,
    to: Day,
    groupBy: z.enum(GroupBys),
    items: z.array(z.object({ key: z.string(), ...figures })),
    totals: z.object(figures),
  })
  .openapi('UsageReport')
const UsageQuery = z.object({
  from: Day.optional().openapi({ description: 'first day (UTC), default 29 days before `to`' }),
  to: Day.optional().openapi({ description: 'last day (UTC), inclusive; default today' }),
  groupBy: z.enum(GroupBys).default('day'),
})
const Balance = z
  .object({
    accountId: z.string(),
    sandbox: SandboxLabel,
    currency: Currency,
    balance: Minor,
    balanceDecimal: DecimalString,
    creditLimit: Minor,
    creditLimitDecimal: DecimalString,
    available: Minor,
    availableDecimal: DecimalString,
  })
  .openapi('Balance')
const LedgerItem = z
  .object({
    entryId: z.string(),
    at: z.string(),
    kind: z.enum(['charge', 'refund', 'topup', 'adjustment']),
    amount: Minor,
    amountDecimal: DecimalString,
    balanceAfter: Minor,
    balanceAfterDecimal: DecimalString,
    messageId: z.string().optional(),
    messageIds: z.array(z.string()).optional().openapi({ description: 'a batch charge line: every message it charged' }),
    note: z.string().optional(),
  })
  .openapi('LedgerEntry')
const Period = z.object({
  from: Instant.optional().openapi({ description: 'default 30 days before `to`' }),
  to: Instant.optional().openapi({ description: 'inclusive; a day means its end; default now' }),
})
const MessageItem = z
  .object({
    messageId: z.string(),
    state: z.string(),
    sourceAddr: z.string(),
    destinationAddr: z.string(),
    parts: z.number().int(),
    price: Minor,
    cost: Minor,
    costDecimal: DecimalString,
    currency: z.string(),
    tariffPrefix: z.string(),
    country: z.string().optional(),
    errorCode: z.number().int(),
    createdAt: z.string(),
    doneAt: z.string().optional(),
    refunded: z.boolean(),
    upstreamId: z.string().optional(),
  })
  .openapi('Message')

async function accountOf(deps: ApiDeps, id: string) {
  return (await deps.stores.accounts.getExact(id)) ?? notFound(`account ${id}`)
}

async function usageReport(deps: ApiDeps, id: string, q: { from?: string; to?: string; groupBy: GroupBy }) {
  const to = q.to ?? today(deps)
  const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * dayMs).toISOString().slice(0, 10)
  if (from > to) throw new ApiError(400, 'invalid_period', '`from` is after `to`')
  if (daysBetween(from, to).length > MaxReportDays)
    throw new ApiError(400, 'invalid_period', `a report spans at most ${MaxReportDays} days`)
  const { currency, sandbox } = await accountOf(deps, id)
  const { items, totals } = groupUsage(await deps.stores.usage.query(id, from, to), q.groupBy, from, to)
  const money = (f: UsageFigures) => withDecimals(f, ['cost', 'refunds', 'net'], currency)
  return {
    accountId: id,
    sandbox: sandbox === true,
    currency,
    from,
    to,
    groupBy: q.groupBy,
    items: items.map((g) => ({ key: g.key, ...money(g) })),
    totals: money(totals),
  }
}

const usageCsv = (r: Awaited<ReturnType<typeof usageReport>>) =>
  toCsv(
    [r.groupBy, 'messages', 'parts', 'cost', 'costDecimal', 'refunds', 'refundsDecimal', 'net', 'netDecimal', 'currency', 'partsSaved'],
    r.items.map((i) => [
      i.key,
      i.messages,
      i.parts,
      i.cost,
      i.costDecimal,
      i.refunds,
      i.refundsDecimal,
      i.net,
      i.netDecimal,
      r.currency,
      i.partsSaved,
    ]),
  )

const ledgerCsv = (currency: string, items: Awaited<ReturnType<typeof ledgerAll>>) =>
  toCsv(
    ['at', 'entryId', 'kind', 'amount', 'amountDecimal', 'balanceAfter', 'balanceAfterDecimal', 'currency', 'messageId', 'note'],
    items.map((e) => [
      e.at,
      e.entryId,
      e.kind,
      e.amount,
      decimal(e.amount, currency),
      e.balanceAfter,
      decimal(e.balanceAfter, currency),
      currency,
      e.messageId ?? e.messageIds?.join(' '), // a batch line lists its messages, space-separated
      e.note,
    ]),
  )

const period = (deps: ApiDeps, q: { from?: string; to?: string }) => {
  const to = q.to ? toIso(q.to) : deps.now().toISOString()
  const from = q.from ? fromIso(q.from) : new Date(Date.parse(to) - 30 * dayMs).toISOString()
  if (from > to) throw new ApiError(400, 'invalid_period', '`from` is after `to`')
  return { from, to }
}

export function registerFinance(app: ApiApp, deps: ApiDeps & { cursorKey: string }) {
  const csvOrJson = <T extends z.ZodType>(schema: T, description: string) => ({
    content: { 'application/json': { schema }, 'text/csv': { schema: z.string() } },
    description,
  })

  app.openapi(
    secured(deps, Readers, {
      method: 'get',
      path: '/accounts/{id}/balance',
      tags: ['finance'],
      summary: 'Balance, credit limit and what is available',
      request: { params: AccountParam },
      responses: { 200: json(Balance, 'the balance') },
    }),
    async (c) => {
      const a = await accountOf(deps, c.req.valid('param').id)
      const view = {
        accountId: a.accountId,
        sandbox: a.sandbox === true,
        currency: a.currency,
        balance: a.balance,
        creditLimit: a.creditLimit,
        available: a.balance + a.creditLimit,
      }
      return c.json(withDecimals(view, ['balance', 'creditLimit', 'available'], a.currency), 200)
    },
  )

  for (const path of ['/accounts/{id}/usage', '/accounts/{id}/usage.csv'] as const) {
    const csvOnly = path.endsWith('.csv')
    app.openapi(
      secured(deps, Readers, {
        method: 'get',
        path,
        tags: ['finance'],
        summary: csvOnly ? 'Usage for a period as CSV' : 'Usage for a period, grouped by day, month, prefix, country or status',
        description: 'messages, parts, cost and refunds from the per-day usage counters; `format=csv` (or the .csv path) for a download',
        request: { params: AccountParam, query: csvOnly ? UsageQuery : UsageQuery.extend({ format: Format }) },
        responses: { 200: csvOrJson(UsageReport, 'the report') },
      }),
      async (c) => {
        const q = c.req.valid('query') as z.infer<typeof UsageQuery> & { format?: 'json' | 'csv' }
        const report = await usageReport(deps, c.req.valid('param').id, q)
        if (csvOnly || q.format === 'csv')
          return c.body(
            usageCsv(report),
            200,
            csvHeaders(`usage-${report.accountId}${report.sandbox ? '-sandbox' : ''}-${report.from}-${report.to}-${report.groupBy}.csv`),
          )
        return c.json(report, 200)
      },
    )
  }

  for (const path of ['/accounts/{id}/ledger', '/accounts/{id}/ledger.csv'] as const) {
    const csvOnly = path.endsWith('.csv')
    app.openapi(
      secured(deps, Readers, {
        method: 'get',
        path,
        tags: ['finance'],
        summary: csvOnly ? 'Ledger entries of a period as CSV' : 'Ledger entries (charges, refunds, top-ups) with the balance after each',
        description: 'oldest first; `balanceAfter` is derived from the current balance backwards (docs/API.md)',
        request: { params: AccountParam, query: csvOnly ? Period : Period.extend(PageQuery.shape).extend({ format: Format }) },
        responses: {
          200: csvOrJson(
            pageOf(LedgerItem).extend({
              accountId: z.string(),
              sandbox: SandboxLabel,
              currency: Currency,
              balance: Minor,
              balanceDecimal: DecimalString,
            }),
            'one page',
          ),
        },
      }),
      async (c) => {
        const q = c.req.valid('query') as z.infer<typeof Period> & { limit?: number; cursor?: string; format?: 'json' | 'csv' }
        const { id } = c.req.valid('param')
        const a = await accountOf(deps, id)
        const { from, to } = period(deps, q)
        if (csvOnly || q.format === 'csv') {
          const items = await ledgerAll(deps.stores, deps.cursorKey, id, from, to)
          return c.body(
            ledgerCsv(a.currency, items),
            200,
            csvHeaders(`ledger-${id}${a.sandbox ? '-sandbox' : ''}-${from.slice(0, 10)}-${to.slice(0, 10)}.csv`),
          )
        }
        const page = await ledgerPage(deps.stores, deps.cursorKey, id, from, to, q.limit ?? 100, q.cursor)
        const items = page.items.map((e) => withDecimals(e, ['amount', 'balanceAfter'], a.currency))
        return c.json(
          {
            accountId: id,
            sandbox: a.sandbox === true,
            currency: a.currency,
            balance: a.balance,
            balanceDecimal: decimal(a.balance, a.currency),
            items,
            ...(page.cursor ? { cursor: page.cursor } : {}),
          },
          200,
        )
      },
    )
  }

  app.openapi(
    secured(deps, Readers, {
      method: 'get',
      path: '/accounts/{id}/messages',
      tags: ['finance'],
      summary: 'Messages of the account by submission time',
      request: { params: AccountParam, query: Period.extend(PageQuery.shape) },
      responses: { 200: json(pageOf(MessageItem), 'one page') },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const q = c.req.valid('query')
      await accountOf(deps, id)
      const { from, to } = period(deps, q)
      const scope = `messages:${id}`
      const page = await deps.stores.messages.listByAccount(id, from, to, q.limit, storeCursor(scope, q.cursor))
      // The first 20 characters of the text stay out: finance needs counts and money, not content.
      const items = page.items.map(
        ({
          text: _text,
          validUntil: _v,
          accountId: _a,
          dataCoding: _d,
          esmClass: _e,
          registeredDelivery: _r,
          upstreamMessageId: _u,
          ...m
        }) => withDecimals(m, ['cost'], m.currency),
      )
      return c.json(scopedPage(scope, { items, cursor: page.cursor }), 200)
    },
  )
}
