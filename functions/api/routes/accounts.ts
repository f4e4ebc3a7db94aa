import { isIP } from 'node:net'
import { z } from '@hono/zod-openapi'
import { MessageIdFormats } from '../../../lib/domain/message-id-format'
import type { Account } from '../../../lib/domain/model'
import { hashPassword, MaxPasswordLength } from '../../../lib/domain/password'
import type { ApiApp, ApiDeps } from '../context'
import { scopedPage, storeCursor } from '../cursor'
import { ApiError, notFound } from '../errors'
import { withDecimals } from '../money'
import { secured } from '../route'
import {
  AccountId,
  AccountParam,
  Currency,
  DecimalString,
  ErrorSchema,
  json,
  jsonBody,
  Minor,
  NoContent,
  PageQuery,
  pageOf,
} from '../schemas'

const isCidrOrAddress = (s: string) => {
  const [addr, bits, ...rest] = s.split('/')
  const v = isIP(addr)
  if (!v || rest.length) return false
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128))
}

const Settings = z.object({
  enabled: z.boolean(),
  creditLimit: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ description: 'minor units the balance may go below zero' }),
  speed: z.number().int().min(1).max(100_000).openapi({ description: 'message parts per second, across all nodes' }),
  sessionLimit: z.number().int().min(1).max(1000),
  allowList: z.array(z.string().refine(isCidrOrAddress, 'an IP address or CIDR')).max(100).openapi({ description: 'empty = any address' }),
  duplicateWindowSec: z.number().int().min(0).max(86_400).openapi({ description: '0 = no duplicate check' }),
  refusalMode: z.enum(['sync', 'async']),
  tariffPlan: z.string().min(1).max(64),
  refundOnFailure: z.boolean(),
  throttle: z
    .object({
      perMinute: z.number().int().min(1).max(1e9).optional(),
      perHour: z.number().int().min(1).max(1e10).optional(),
      perDay: z.number().int().min(1).max(1e11).optional(),
      burstSec: z.number().min(0.1).max(60).optional().openapi({ description: 'seconds of speed a burst may spend at once (default 1)' }),
      inFlight: z
        .array(z.object({ prefix: z.string().regex(/^\d{0,15}$/), max: z.number().int().min(1).max(1e6) }))
        .max(100)
        .optional()
        .openapi({ description: 'messages awaiting their submit_sm_resp per destination prefix (longest wins); 0x14 over it' }),
    })
    .strict()
    .openapi('Throttle', {
      description:
        'parts per fixed UTC minute / hour / day across all nodes (0x58 over one), beside `speed` per second; applies from the next bind',
    }),
  messageIdFormat: z.enum(MessageIdFormats).openapi({
    description:
      'message_id in submit_sm_resp, receipts and query_sm: opaque (24 chars, the default), decimal (10 digits) or hex (29 digits); applies from the next bind',
  }),
  // Issue 14 (lib/domain/deferral.ts): unset, the platform's 48 h default and 7-day maximum apply.
  validityDefaultSec: z
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .optional()
    .openapi({ description: 'validity_period when the client sends none' }),
  validityMaxSec: z
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .optional()
    .openapi({ description: 'the longest validity_period a client may ask for' }),
})
const Password = z.string().min(1).max(MaxPasswordLength).openapi({ description: 'SMPP 3.4 bind password: 1 to 8 characters' })

/** Issue 19: fixed at creation, so test credit and live money never share a balance, a ledger or usage (docs/ONBOARDING.md). */
const Sandbox = z.boolean().openapi({
  description: 'test access: every message goes to the sandbox upstream, never a handset; the balance is test credit. Set at creation only',
})
const CreateAccount = Settings.partial()
  .extend({ accountId: AccountId, password: Password, currency: Currency.default('EUR'), sandbox: Sandbox.default(false) })
  .openapi('CreateAccount')

const AccountView = Settings.extend({
  accountId: z.string(),
  currency: Currency,
  balance: Minor,
  balanceDecimal: DecimalString,
  creditLimitDecimal: DecimalString,
  sandbox: Sandbox,
  createdAt: z.string(),
}).openapi('Account')

/**
 * Issue 13, item 10: one credit moves at most this many minor units either way (10^12: ten billion in a
 * currency of two decimals), and a negative adjustment may not take the balance below -creditLimit.
 */
export const MaxCreditMinor = 1_000_000_000_000

const Credit = z
  .object({
    amount: Minor.refine((n) => n !== 0, 'not zero')
      .refine((n) => Math.abs(n) <= MaxCreditMinor, `at most ${MaxCreditMinor} minor units either way`)
      .openapi({
        description: `minor units; a top-up is positive, an adjustment may be negative; at most ${MaxCreditMinor} either way`,
      }),
    kind: z.enum(['topup', 'adjustment']).default('topup'),
    note: z.string().max(500).optional(),
  })
  .refine((b) => b.kind !== 'topup' || b.amount > 0, { message: 'a top-up is positive', path: ['amount'] })
  .openapi('Credit')
const IdempotencyKey = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\w.:-]{1,100}$/, '1 to 100 letters, digits, _ . : -')
    .openapi({ description: 'the same key credits once, however often the request is retried' }),
})

/** Never the password hash, nor the webhook secret (shown once, by PUT /accounts/{id}/webhook). */
export const accountView = ({ passwordHash: _h, webhookSecret: _s, ...a }: Account) =>
  withDecimals(
    { ...a, sandbox: a.sandbox === true, messageIdFormat: a.messageIdFormat ?? 'opaque', throttle: a.throttle ?? {} },
    ['balance', 'creditLimit'],
    a.currency,
  )

export function registerAccounts(app: ApiApp, deps: ApiDeps) {
  const { accounts } = deps.stores
  const tags = ['accounts']

  app.openapi(
    secured(deps, ['admin', 'finance'], {
      method: 'get',
      path: '/accounts',
      tags,
      summary: 'List accounts',
      request: { query: PageQuery },
      responses: { 200: json(pageOf(AccountView), 'one page') },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const page = await accounts.list(q.limit, storeCursor('accounts', q.cursor))
      return c.json(scopedPage('accounts', { items: page.items.map(accountView), cursor: page.cursor }), 200)
    },
  )

  app.openapi(
    secured(deps, ['admin', 'finance', 'own'], {
      method: 'get',
      path: '/accounts/{id}',
      tags,
      summary: 'One account',
      request: { params: AccountParam },
      responses: { 200: json(AccountView, 'the account') },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      return c.json(accountView((await accounts.getExact(id)) ?? notFound(`account ${id}`)), 200)
    },
  )

  app.openapi(
    secured(deps, ['admin'], {
      method: 'post',
      path: '/accounts',
      tags,
      summary: 'Create an account',
      request: { body: jsonBody(CreateAccount) },
      responses: { 201: json(AccountView, 'created'), 409: json(ErrorSchema, 'the accountId is taken (code exists)') },
    }),
    async (c) => {
      const { password, ...b } = c.req.valid('json')
      const account: Account = {
        enabled: true,
        creditLimit: 0,
        speed: 100,
        sessionLimit: 4,
        allowList: [],
        duplicateWindowSec: 0,
        refusalMode: 'sync',
        tariffPlan: b.accountId,
        refundOnFailure: false,
        ...b,
        passwordHash: await hashPassword(password),
        balance: 0, // moves only with a ledger entry: POST /accounts/{id}/credits
        createdAt: deps.now().toISOString(),
      }
      if (!(await accounts.create(account))) throw new ApiError(409, 'exists', `account ${b.accountId} exists`)
      return c.json(accountView(account), 201)
    },
  )

  app.openapi(
    secured(deps, ['admin'], {
      method: 'patch',
      path: '/accounts/{id}',
      tags,
      summary: 'Change settings: disable, limits, allow-list, duplicate window, refusal mode, tariff plan, credit limit',
      request: { params: AccountParam, body: jsonBody(Settings.partial().strict().openapi('AccountSettings')) },
      responses: { 200: json(AccountView, 'the account after the change') },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      return c.json(accountView((await accounts.update(id, c.req.valid('json'))) ?? notFound(`account ${id}`)), 200)
    },
  )

  app.openapi(
    secured(deps, ['admin'], {
      method: 'put',
      path: '/accounts/{id}/password',
      tags,
      summary: 'Reset the SMPP bind password',
      request: { params: AccountParam, body: jsonBody(z.object({ password: Password })) },
      responses: { 204: NoContent },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const passwordHash = await hashPassword(c.req.valid('json').password)
      if (!(await accounts.update(id, { passwordHash }))) notFound(`account ${id}`)
      return c.body(null, 204)
    },
  )

  const CreditResult = z
    .object({ result: z.enum(['credited', 'already-credited']), entryId: z.string(), balance: Minor, balanceDecimal: DecimalString })
    .openapi('CreditResult')
  app.openapi(
    secured(deps, ['admin'], {
      method: 'post',
      path: '/accounts/{id}/credits',
      tags,
      summary: 'Top up (or adjust) the balance, once per Idempotency-Key',
      request: { params: AccountParam, headers: IdempotencyKey, body: jsonBody(Credit) },
      responses: { 201: json(CreditResult, 'credited'), 200: json(CreditResult, 'this key was used before: nothing moved') },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const { amount, kind, note } = c.req.valid('json')
      // Scoped by account, so one key reused for two accounts is two operations.
      const entryId = `credit:${id}:${c.req.valid('header')['idempotency-key']}`
      const result = await accounts.credit({
        accountId: id,
        entryId,
        at: deps.now().toISOString(),
        kind,
        amount,
        ...(note ? { note } : {}),
      })
      if (result === 'no-account') notFound(`account ${id}`)
      // A debit is judged in the same conditional write that moves the balance: two at once cannot both pass.
      if (result === 'below-credit-limit')
        throw new ApiError(422, 'below_credit_limit', 'the adjustment would take the balance below its credit limit')
      const a = (await accounts.getExact(id)) ?? notFound(`account ${id}`)
      const body = {
        result: result as 'credited' | 'already-credited',
        entryId,
        ...withDecimals({ balance: a.balance }, ['balance'], a.currency),
      }
      return result === 'credited' ? c.json(body, 201) : c.json(body, 200)
    },
  )
}
