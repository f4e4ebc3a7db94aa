import { randomUUID } from 'node:crypto'
import type { Account, DeliverPayload, LedgerEntry, MessageRecord } from '../../domain/model'
import type { Charge, Page, Stores } from '../index'

/**
 * Shared by every contract suite. A factory gets the suite's clock and returns stores; for DynamoDB
 * the tables are shared by a whole file, so each test uses ids of its own (`uid`).
 */
export type MakeStores = (opts: { now: () => Date }) => Promise<Stores>

/**
 * A clock tests step forward. It starts at the real time (rounded to the second) because DynamoDB
 * Local may honour TTL: items must not look expired by the wall clock while a test still reads them.
 */
export class TestClock {
  private t = Math.floor(Date.now() / 1000) * 1000
  now = () => new Date(this.t)
  sec = () => Math.floor(this.t / 1000)
  iso = (offsetMs = 0) => new Date(this.t + offsetMs).toISOString()
  advance(ms: number) {
    this.t += ms
  }
}

export const uid = (label = 'x') => `${label}-${randomUUID().slice(0, 8)}`

export const anAccount = (clock: TestClock, overrides: Partial<Account> = {}): Account => ({
  accountId: uid('acct'),
  passwordHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==',
  enabled: true,
  currency: 'EUR',
  balance: 1_000,
  creditLimit: 0,
  speed: 100,
  sessionLimit: 4,
  allowList: [],
  duplicateWindowSec: 0,
  refusalMode: 'sync',
  tariffPlan: 'default',
  refundOnFailure: true,
  createdAt: clock.iso(),
  ...overrides,
})

export const aMessage = (clock: TestClock, accountId: string, overrides: Partial<MessageRecord> = {}): MessageRecord => ({
  messageId: uid('msg'),
  accountId,
  state: 'ACCEPTED',
  sourceAddr: 'ACME',
  destinationAddr: '491701234567',
  dataCoding: 0,
  esmClass: 0,
  registeredDelivery: 1,
  parts: 2,
  price: 5,
  cost: 10,
  currency: 'EUR',
  tariffPrefix: '49',
  country: 'DE',
  errorCode: 0,
  createdAt: clock.iso(),
  refunded: false,
  text: 'hello',
  ...overrides,
})

/** The charge the submit pipeline builds for a message: ledger entry of -cost, usage under today. */
export function aCharge(clock: TestClock, message: MessageRecord, duplicate?: Charge['duplicate']): Charge {
  const entry: LedgerEntry = {
    accountId: message.accountId,
    entryId: `charge-${message.messageId}`,
    at: message.createdAt,
    kind: 'charge',
    amount: -message.cost,
    messageId: message.messageId,
  }
  return { message, entry, usageDay: message.createdAt.slice(0, 10), duplicate, decisionExpiresAt: clock.sec() + 86_400 }
}

/** A new account holding `balance`, created through the port. */
export async function fundedAccount(stores: Stores, clock: TestClock, overrides: Partial<Account> = {}): Promise<Account> {
  const account = anAccount(clock, overrides)
  if (!(await stores.accounts.create(account))) throw new Error('account exists')
  return account
}

/** Follows cursors to the end (bounded), checking every page respects the limit. */
export async function allPages<T>(fetch: (cursor?: string) => Promise<Page<T>>, limit: number, maxPages = 500): Promise<T[][]> {
  const pages: T[][] = []
  let cursor: string | undefined
  do {
    const page = await fetch(cursor)
    if (page.items.length > limit) throw new Error(`page of ${page.items.length} over the limit ${limit}`)
    pages.push(page.items)
    cursor = page.cursor
  } while (cursor && pages.length < maxPages)
  if (cursor) throw new Error('pagination did not end')
  return pages
}

/** A receipt's deliver_sm fields, as the DLR function stores them, with `text` as its short_message. */
export const aReceipt = (text: string, more: Partial<DeliverPayload> = {}): DeliverPayload => ({
  kind: 'receipt',
  sourceAddr: '491701234567',
  sourceAddrTon: 1,
  sourceAddrNpi: 1,
  destinationAddr: 'ACME',
  destAddrTon: 5,
  destAddrNpi: 0,
  esmClass: 0x04,
  dataCoding: 0,
  shortMessage: Buffer.from(text).toString('base64'),
  ...more,
})
