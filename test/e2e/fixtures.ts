import { expect } from 'vitest'
import { type Stack, sleep } from './stack'

/** Test data made through the API with the admin key, the way an operator makes it. */

export interface AccountOptions {
  password?: string
  /** Minor units put on the account with a top-up; 0 leaves the balance at 0. */
  credit?: number
  /** A catch-all tariff for the account's plan (price in minor units); null for a plan without tariff. */
  price?: number | null
  settings?: Record<string, unknown>
}

let n = 0
/** A fresh account id, unique within the stack: `<base><counter>` (letters and digits only). */
export const uniqueId = (base: string) => `${base}${Date.now().toString(36).slice(-4)}${n++}`

async function ok(what: string, p: Promise<{ status: number; body: unknown }>, codes = [200, 201, 204]) {
  const r = await p
  if (!codes.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`)
  return r
}

/** Creates an account with its own tariff plan (plan = account id) and credit; returns its id and password. */
export async function createAccount(stack: Stack, base: string, o: AccountOptions = {}): Promise<{ id: string; password: string }> {
  const id = uniqueId(base)
  const password = o.password ?? 'pw123456'
  await ok(
    `create ${id}`,
    stack.api('POST', '/accounts', {
      accountId: id,
      password,
      tariffPlan: id,
      speed: 5_000,
      sessionLimit: 20,
      duplicateWindowSec: 0,
      refundOnFailure: true,
      ...o.settings,
    }),
  )
  if (o.price !== null) await ok('tariff', stack.api('PUT', '/tariffs', { plan: id, prefix: '', price: o.price ?? 5, currency: 'EUR' }))
  const credit = o.credit ?? 10_000_000
  if (credit > 0)
    await ok(
      'credit',
      stack.api('POST', `/accounts/${id}/credits`, { amount: credit, kind: 'topup' }, undefined, { 'idempotency-key': `${id}-1` }),
    )
  return { id, password }
}

export const putRoute = (stack: Stack, route: { plan: string; prefix: string; upstreams: { upstreamId: string; priority: number }[] }) =>
  ok('route', stack.api('PUT', '/routes', route))
export const putBlacklist = (stack: Stack, entry: { owner: string; number: string; scope: 'sender' | 'recipient' | 'both' }) =>
  ok('blacklist', stack.api('PUT', '/blacklist', entry))
export const putStopWord = (stack: Stack, entry: { owner: string; phrase: string }) =>
  ok('stop word', stack.api('PUT', '/stop-words', entry))
export const putNumber = (stack: Stack, msisdn: string, accountId: string) =>
  ok('number', stack.api('PUT', '/numbers', { msisdn, accountId }))
export const putUpstream = (stack: Stack, upstream: Record<string, unknown>) => ok('upstream', stack.api('PUT', '/upstreams', upstream))

export async function balanceOf(stack: Stack, id: string): Promise<number> {
  const r = await ok('balance', stack.api('GET', `/accounts/${id}/balance`))
  return (r.body as { balance: number }).balance
}

/** Every ledger entry of the account today (all pages). */
// biome-ignore lint/suspicious/noExplicitAny: ledger items as the API returns them
export async function ledgerOf(stack: Stack, id: string): Promise<any[]> {
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const items: any[] = []
  let cursor: string | undefined
  for (let page = 0; page < 100; page++) {
    const q = new URLSearchParams({ limit: '1000', ...(cursor ? { cursor } : {}) })
    const r = await ok('ledger', stack.api('GET', `/accounts/${id}/ledger?${q}`))
    const body = r.body as { items: unknown[]; cursor?: string }
    items.push(...body.items)
    cursor = body.cursor
    if (!cursor) return items
  }
  throw new Error('ledger: more than 100 pages')
}

/** Every message record of the account today (all pages). */
// biome-ignore lint/suspicious/noExplicitAny: message items as the API returns them
export async function messagesOf(stack: Stack, id: string): Promise<any[]> {
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const items: any[] = []
  let cursor: string | undefined
  for (let page = 0; page < 100; page++) {
    const q = new URLSearchParams({ limit: '1000', ...(cursor ? { cursor } : {}) })
    const r = await ok('messages', stack.api('GET', `/accounts/${id}/messages?${q}`))
    const body = r.body as { items: unknown[]; cursor?: string }
    items.push(...body.items)
    cursor = body.cursor
    if (!cursor) return items
  }
  throw new Error('messages: more than 100 pages')
}

export const expectStatus = (status: number, expected: number) => expect(`0x${status.toString(16)}`).toBe(`0x${expected.toString(16)}`)

/** POST an MO to the carrier simulator. */
export async function injectMo(stack: Stack, mo: { from: string; to: string; text: string }) {
  const r = await fetch(`http://127.0.0.1:${stack.ports.simulator}/mo`, { method: 'POST', body: JSON.stringify(mo) })
  expect(r.status).toBe(202)
}

/** The UTC minute now: a perMinute throttle counts in it (lib/domain/throttle-limits.ts windowStart). */
export const utcMinute = () => Math.floor(Date.now() / 60_000)

/**
 * Runs `sends` inside one UTC minute, so that a perMinute throttle sees them all in one window: starts early in a
 * minute, and runs them again in the next should the minute turn among them (bounded: three tries; the new minute
 * is a fresh window). Returns the run that stayed in one minute, and that minute.
 */
export async function inOneMinute<T>(sends: () => Promise<T>): Promise<{ result: T; minute: number }> {
  let run: { result: T; minute: number } | undefined
  for (let attempt = 0; attempt < 3; attempt++) {
    const into = Date.now() % 60_000
    if (into > 40_000) await sleep(60_000 - into + 100)
    const minute = utcMinute()
    run = { result: await sends(), minute }
    if (utcMinute() === minute) break
  }
  return run!
}
