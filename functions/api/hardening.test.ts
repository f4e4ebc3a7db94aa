import { GetItemCommand } from '@aws-sdk/client-dynamodb'
import { beforeAll, describe, expect, it } from 'vitest'
import { dynamoStores } from '../../lib/adapters/dynamo'
import type { Stores } from '../../lib/ports'
import { type LocalServices, localServices } from '../../test/local-services'
import { api, backends, Keys, Now, seed } from './fixture'

// Issue 13, item 10: admin adjustments had no bound, the credit guard expired after 30 days, and the
// ledger cursor was unsigned (a caller could rewrite the running balance it was then shown).
describe.each(backends)('API hardening on %s', (_name, makeStores) => {
  let stores: Stores
  let call: ReturnType<typeof api>['call']
  beforeAll(async () => {
    stores = await makeStores()
    await seed(stores)
    ;({ call } = api(stores))
  })
  const credit = (key: string, json: unknown) =>
    call('/accounts/beta/credits', Keys.admin, { method: 'POST', headers: { 'idempotency-key': key }, json })

  it('refuses an adjustment of -1e15, and one that would take the balance below its credit limit', async () => {
    const before = (await stores.accounts.get('beta'))!
    expect((await credit('huge', { amount: -1e15, kind: 'adjustment' })).status).toBe(400)
    expect((await credit('huge-up', { amount: 1e15 })).status).toBe(400)
    const res = await credit('too-far', { amount: -(before.balance + before.creditLimit + 1), kind: 'adjustment' })
    expect([res.status, (await res.json()).error.code]).toEqual([422, 'below_credit_limit'])
    expect((await stores.accounts.get('beta'))!.balance).toBe(before.balance)
    expect((await credit('to-the-limit', { amount: -(before.balance + before.creditLimit), kind: 'adjustment' })).status).toBe(201)
  })

  it('refuses a ledger cursor whose running balance was altered', async () => {
    const first = await (await call('/accounts/acme/ledger?from=2025-02-01&limit=2', Keys.acme)).json()
    expect(first.cursor).toBeTruthy()
    const [body] = String(first.cursor).split('.')
    const state = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
    const forged = Buffer.from(JSON.stringify({ ...state, b: state.b + 1_000_000 })).toString('base64url')
    for (const cursor of [forged, `${forged}.${String(first.cursor).split('.')[1]}`]) {
      const res = await call(`/accounts/acme/ledger?from=2025-02-01&limit=2&cursor=${cursor}`, Keys.acme)
      expect([res.status, (await res.json()).error.code]).toEqual([400, 'invalid_cursor'])
    }
    expect((await call(`/accounts/acme/ledger?from=2025-02-01&limit=2&cursor=${first.cursor}`, Keys.acme)).status).toBe(200)
  })
})

describe('credit idempotency keys (DynamoDB Local)', () => {
  let local: LocalServices
  beforeAll(async () => {
    local = await localServices()
  })

  it('keeps the guard without a TTL, so a replay after the retention period still credits once', async () => {
    const stores = dynamoStores(local.db, local.config.tables, { now: () => Now })
    await seed(stores)
    const { call } = api(stores)
    const res = await call('/accounts/beta/credits', Keys.admin, {
      method: 'POST',
      headers: { 'idempotency-key': 'inv-7' },
      json: { amount: 5 },
    })
    expect(res.status).toBe(201)
    const guard = await local.db.send(
      new GetItemCommand({ TableName: local.config.tables.guards, Key: { pk: { S: 'CREDIT#credit:beta:inv-7' } }, ConsistentRead: true }),
    )
    expect(guard.Item?.pk?.S).toBe('CREDIT#credit:beta:inv-7')
    expect(guard.Item?.expiresAt).toBeUndefined()
  })
})
