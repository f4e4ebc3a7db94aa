import { dynamoStores } from '../../lib/adapters/dynamo'
import { memoryStores } from '../../lib/adapters/memory'
import type { Account, ApiRole, MessageRecord } from '../../lib/domain/model'
import type { Log, Stores } from '../../lib/ports'
import { localServices } from '../../test/local-services'
import { type ApiDeps, createApi } from './app'
import { hashKey } from './auth'

/**
 * Test support for the API suites (not a test itself): the two store backends, a seeded world of
 * accounts, keys, charges, refunds and top-ups written through the real ports, and a request helper.
 */

export const Now = new Date('2025-03-10T12:00:00.000Z')

export const backends: Array<[name: string, make: () => Promise<Stores>]> = [
  ['memory', async () => memoryStores({ now: () => Now })],
  [
    'dynamodb-local',
    async () => {
      const s = await localServices()
      return dynamoStores(s.db, s.config.tables, { now: () => Now })
    },
  ],
]

export const quietLog = (): Log & { errors: unknown[] } => {
  const errors: unknown[] = []
  return { errors, info: () => {}, warn: () => {}, error: (msg, fields) => void errors.push({ msg, ...fields }) }
}

export const Keys = { admin: 'key-admin', finance: 'key-finance', acme: 'key-acme', beta: 'key-beta' } as const

export const account = (accountId: string, over: Partial<Account> = {}): Account => ({
  accountId,
  passwordHash: 'scrypt$not-used-here',
  enabled: true,
  currency: 'EUR',
  balance: 0,
  creditLimit: 0,
  speed: 100,
  sessionLimit: 4,
  allowList: [],
  duplicateWindowSec: 0,
  refusalMode: 'sync',
  tariffPlan: accountId,
  refundOnFailure: true,
  createdAt: '2025-01-01T00:00:00.000Z',
  ...over,
})

export interface SentMessage {
  messageId: string
  day: string
  prefix: string
  country: string
  parts: number
  price: number
  partsSaved?: number // issue 17: a UCS2 text billed at fewer parts thanks to shift tables
}

/** Charged messages of acme: three days, two destinations, prices that do not add up to round numbers. */
export const acmeTraffic: SentMessage[] = [
  ...Array.from({ length: 7 }, (_, i) => ({
    messageId: `m-uk-${i}`,
    day: `2025-03-0${1 + (i % 3)}`,
    prefix: '4477',
    country: 'GB',
    parts: 1 + (i % 2),
    price: 333,
  })),
  ...Array.from({ length: 5 }, (_, i) => ({
    messageId: `m-de-${i}`,
    day: `2025-03-0${2 + (i % 2)}`,
    prefix: '4915',
    country: 'DE',
    parts: 1,
    price: 1_017,
  })),
  { messageId: 'm-any-0', day: '2025-03-05', prefix: '', country: '', parts: 3, price: 7, partsSaved: 2 },
]
export const refunded = ['m-de-1', 'm-uk-3']
export const TopUp = 100_000

const record = (accountId: string, m: SentMessage, currency: string): MessageRecord => ({
  messageId: m.messageId,
  accountId,
  state: 'ACCEPTED',
  sourceAddr: 'ACME',
  destinationAddr: `${m.prefix}0000123`,
  dataCoding: 0,
  esmClass: 0,
  registeredDelivery: 1,
  parts: m.parts,
  price: m.price,
  cost: m.parts * m.price,
  ...(m.partsSaved ? { partsSaved: m.partsSaved } : {}),
  currency,
  tariffPrefix: m.prefix,
  ...(m.country ? { country: m.country } : {}),
  errorCode: 0,
  createdAt: `${m.day}T10:00:00.000Z`,
  refunded: false,
  text: 'hello',
})

/** Charges go through Ledger.chargeOnce, so balance, message, usage and ledger move as the pipeline moves them. */
export async function charge(stores: Stores, accountId: string, m: SentMessage, currency = 'EUR') {
  const message = record(accountId, m, currency)
  const at = message.createdAt
  const res = await stores.ledger.chargeOnce({
    message,
    entry: { accountId, entryId: `charge:${m.messageId}`, at, kind: 'charge', amount: -message.cost, messageId: m.messageId },
    usageDay: m.day,
    decisionExpiresAt: Math.floor(Now.getTime() / 1000) + 86_400,
  })
  if (res.result !== 'charged') throw new Error(`seed charge ${m.messageId}: ${res.result}`)
  return message
}

export async function refund(stores: Stores, accountId: string, m: SentMessage) {
  const cost = m.parts * m.price
  const at = `${m.day}T18:00:00.000Z`
  await stores.ledger.refundOnce({
    messageId: m.messageId,
    entry: { accountId, entryId: `refund:${m.messageId}`, at, kind: 'refund', amount: cost, messageId: m.messageId },
    usage: { accountId, day: m.day, prefix: m.prefix, ...(m.country ? { country: m.country } : {}), status: 'REFUNDED', refunds: cost },
  })
}

const key = async (stores: Stores, k: string, role: ApiRole, accountId?: string) =>
  stores.reference.putApiKey({
    keyHash: hashKey(k),
    role,
    name: `${role} ${accountId ?? ''}`.trim(),
    createdAt: Now.toISOString(),
    ...(accountId ? { accountId } : {}),
  })

export async function seed(stores: Stores) {
  await stores.accounts.create(account('acme'))
  await stores.accounts.create(account('beta', { currency: 'JPY' }))
  await key(stores, Keys.admin, 'admin')
  await key(stores, Keys.finance, 'finance')
  await key(stores, Keys.acme, 'account', 'acme')
  await key(stores, Keys.beta, 'account', 'beta')
  await stores.accounts.credit({
    accountId: 'acme',
    entryId: 'seed-topup-acme',
    at: '2025-02-28T09:00:00.000Z',
    kind: 'topup',
    amount: TopUp,
  })
  await stores.accounts.credit({
    accountId: 'beta',
    entryId: 'seed-topup-beta',
    at: '2025-02-28T09:00:00.000Z',
    kind: 'topup',
    amount: 5_000,
  })
  for (const m of acmeTraffic) await charge(stores, 'acme', m)
  for (const id of refunded) await refund(stores, 'acme', acmeTraffic.find((m) => m.messageId === id)!)
  // Delivery outcomes as the DLR path counts them: a final-state row per message, no money in it.
  await stores.usage.add({
    accountId: 'acme',
    day: '2025-03-01',
    prefix: '4477',
    country: 'GB',
    status: 'DELIVERED',
    messages: 2,
    parts: 3,
    cost: 0,
    refunds: 0,
  })
  await charge(stores, 'beta', { messageId: 'b-1', day: '2025-03-02', prefix: '81', country: 'JP', parts: 1, price: 12 }, 'JPY')
}

/** Bodies are whatever the API answered; the assertions check their shape. */
// biome-ignore lint/suspicious/noExplicitAny: a test reads response bodies loosely and asserts on them
export type TestResponse = Omit<Response, 'json' | 'clone'> & { json(): Promise<any>; clone(): Response }

export function api(stores: Stores, extra: Partial<ApiDeps> = {}) {
  const log = quietLog()
  const app = createApi({ stores, now: () => Now, log, ...extra })
  const call = async (path: string, key?: string, init: RequestInit & { json?: unknown } = {}): Promise<TestResponse> => {
    const headers = new Headers(init.headers)
    if (key) headers.set('authorization', `Bearer ${key}`)
    if (init.json !== undefined) headers.set('content-type', 'application/json')
    return app.request(path, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body })
  }
  return { app, log, call }
}

export const sumBy = <T>(items: readonly T[], f: (t: T) => number) => items.reduce((s, t) => s + f(t), 0)
