import { beforeAll, describe, expect, it } from 'vitest'
import { verifyPassword } from '../../lib/domain/password'
import type { Stores } from '../../lib/ports'
import { api, backends, Keys, Now, seed } from './fixture'

/** Operator routes: accounts, top-ups, reference data, keys, and the views of the pipeline. */

describe.each(backends)('admin API on %s', (_name, makeStores) => {
  let stores: Stores
  let call: ReturnType<typeof api>['call']
  const admin = (path: string, init: RequestInit & { json?: unknown } = {}) => call(path, Keys.admin, init)

  beforeAll(async () => {
    stores = await makeStores()
    await seed(stores)
    ;({ call } = api(stores))
  })

  it('creates an account with a hashed password, once', async () => {
    const res = await admin('/accounts', {
      method: 'POST',
      json: { accountId: 'gamma', password: 'pw123456', speed: 50, allowList: ['10.0.0.0/8', '::1'] },
    })
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({
      accountId: 'gamma',
      enabled: true,
      balance: 0,
      balanceDecimal: '0.00',
      speed: 50,
      tariffPlan: 'gamma',
      currency: 'EUR',
    })
    const stored = await stores.accounts.get('gamma')
    expect(await verifyPassword('pw123456', stored!.passwordHash)).toBe(true)
    const again = await admin('/accounts', { method: 'POST', json: { accountId: 'gamma', password: 'other' } })
    expect([again.status, (await again.json()).error.code]).toEqual([409, 'exists'])
  })

  it.each([
    [{ accountId: 'x', password: '123456789' }, 'password'], // SMPP 3.4 5.2: at most 8 characters
    [{ accountId: '*', password: 'pw' }, 'accountId'],
    [{ accountId: 'far-too-long-system-id', password: 'pw' }, 'accountId'],
    [{ accountId: 'x', password: 'pw', allowList: ['10.0.0.0/33'] }, 'allowList.0'],
    [{ accountId: 'x', password: 'pw', refusalMode: 'later' }, 'refusalMode'],
    [{ accountId: 'x', password: 'pw', creditLimit: 1.5 }, 'creditLimit'],
  ])('refuses account %j at %s', async (body, path) => {
    const res = await admin('/accounts', { method: 'POST', json: body })
    expect(res.status).toBe(400)
    const { error } = await res.json()
    expect(error.code).toBe('invalid_request')
    expect(error.details.map((d: { path: string }) => d.path)).toContain(path)
  })

  it('disables an account, changes its limits and resets its password', async () => {
    const res = await admin('/accounts/acme', {
      method: 'PATCH',
      json: { enabled: false, sessionLimit: 2, duplicateWindowSec: 30, refusalMode: 'async', creditLimit: 500 },
    })
    expect(res.status).toBe(200)
    expect(await stores.accounts.get('acme')).toMatchObject({
      enabled: false,
      sessionLimit: 2,
      duplicateWindowSec: 30,
      refusalMode: 'async',
      creditLimit: 500,
    })
    expect((await admin('/accounts/acme', { method: 'PATCH', json: { balance: 10 } })).status).toBe(400) // the balance moves only with a ledger entry
    expect((await admin('/accounts/nobody', { method: 'PATCH', json: { enabled: true } })).status).toBe(404)
    expect((await admin('/accounts/acme/password', { method: 'PUT', json: { password: 'newpass' } })).status).toBe(204)
    expect(await verifyPassword('newpass', (await stores.accounts.get('acme'))!.passwordHash)).toBe(true)
    await admin('/accounts/acme', { method: 'PATCH', json: { enabled: true, creditLimit: 0 } })
  })

  it('tops up once per Idempotency-Key', async () => {
    const before = (await stores.accounts.get('beta'))!.balance
    const topUp = (key: string, json: unknown) =>
      admin('/accounts/beta/credits', { method: 'POST', headers: { 'idempotency-key': key }, json })
    const first = await topUp('order-42', { amount: 700, note: 'invoice 42' })
    expect([first.status, await first.json()]).toEqual([
      201,
      { result: 'credited', entryId: 'credit:beta:order-42', balance: before + 700, balanceDecimal: String(before + 700) },
    ])
    const retry = await topUp('order-42', { amount: 700 })
    expect([retry.status, (await retry.json()).result]).toEqual([200, 'already-credited'])
    expect((await stores.accounts.get('beta'))!.balance).toBe(before + 700)
    expect((await topUp('order-43', { amount: -100, kind: 'adjustment' })).status).toBe(201)
    expect((await stores.accounts.get('beta'))!.balance).toBe(before + 600)
    const ledger = await stores.ledger.entries('beta', Now.toISOString().slice(0, 10), '9999', 100)
    expect(ledger.items.map((e) => [e.kind, e.amount])).toEqual([
      ['topup', 700],
      ['adjustment', -100],
    ])

    expect((await topUp('order-44', { amount: -100 })).status).toBe(400) // a top-up is positive
    expect((await admin('/accounts/beta/credits', { method: 'POST', json: { amount: 5 } })).status).toBe(400) // no key
    expect((await topUp('order-45', { amount: 1.5 })).status).toBe(400)
    expect(await topUp('order-46', { amount: 5 }).then((r) => r.status)).toBe(201)
    expect(
      (await call('/accounts/nobody/credits', Keys.admin, { method: 'POST', headers: { 'idempotency-key': 'k' }, json: { amount: 5 } }))
        .status,
    ).toBe(404)
  })

  it('stores tariffs and routes by plan and prefix, pages through them and deletes them', async () => {
    for (const prefix of ['', '44', '4477', '49', '4915']) {
      expect(
        (await admin('/tariffs', { method: 'PUT', json: { plan: 'p1', prefix, price: 5 + prefix.length, currency: 'EUR' } })).status,
      ).toBe(200)
    }
    const seen: string[] = []
    let cursor = ''
    for (let i = 0; i < 10; i++) {
      const page = await (await admin(`/tariffs?plan=p1&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json()
      seen.push(...page.items.map((t: { prefix: string }) => t.prefix))
      if (!(cursor = page.cursor)) break
    }
    expect(seen).toEqual(['', '44', '4477', '49', '4915'])
    expect((await stores.reference.tariffFor('p1', '447700900123'))?.price).toBe(9)
    expect((await admin('/tariffs?plan=p1&prefix=4477', { method: 'DELETE' })).status).toBe(204)
    expect((await stores.reference.tariffFor('p1', '447700900123'))?.price).toBe(7)
    expect((await admin('/tariffs', { method: 'PUT', json: { plan: 'p1', prefix: '44x', price: 1, currency: 'EUR' } })).status).toBe(400)
    expect((await admin('/tariffs', { method: 'PUT', json: { plan: 'p1', prefix: '44', price: 0.5, currency: 'EUR' } })).status).toBe(400)

    const route = { plan: '*', prefix: '', upstreams: [{ upstreamId: 'sim', priority: 1 }] }
    expect((await admin('/routes', { method: 'PUT', json: route })).status).toBe(200)
    expect(await stores.reference.routeFor('anyplan', '123')).toEqual(route)
    expect((await admin('/routes', { method: 'PUT', json: { ...route, upstreams: [] } })).status).toBe(400)
  })

  it('stores upstreams with their tariffs, blacklists, stop words and MO numbers', async () => {
    const sim = { upstreamId: 'sim', kind: 'http', url: 'http://127.0.0.1:9999/submit', timeoutMs: 2000 }
    expect((await admin('/upstreams', { method: 'PUT', json: sim })).status).toBe(200)
    expect(await stores.reference.upstream('sim')).toEqual(sim)
    expect((await admin('/upstreams/sim/tariffs', { method: 'PUT', json: { prefix: '44', cost: 2, currency: 'EUR' } })).status).toBe(200)
    expect((await admin('/upstreams/nope/tariffs', { method: 'PUT', json: { prefix: '44', cost: 2, currency: 'EUR' } })).status).toBe(404)
    expect((await (await admin('/upstreams/sim/tariffs')).json()).items).toEqual([
      { upstreamId: 'sim', prefix: '44', cost: 2, currency: 'EUR' },
    ])

    expect((await admin('/blacklist', { method: 'PUT', json: { owner: 'acme', number: '447700900666', scope: 'recipient' } })).status).toBe(
      200,
    )
    expect(await stores.reference.blacklistHits('acme', 'ACME', '447700900666')).toHaveLength(1)
    expect((await admin('/blacklist?owner=acme&number=447700900666', { method: 'DELETE' })).status).toBe(204)
    expect(await stores.reference.blacklistHits('acme', 'ACME', '447700900666')).toHaveLength(0)

    expect((await admin('/stop-words', { method: 'PUT', json: { owner: '*', phrase: 'Free Money' } })).status).toBe(200)
    expect(await (await admin('/stop-words?owner=*')).json()).toEqual({ items: ['free money'] })
    expect((await admin('/stop-words?owner=*&phrase=FREE%20MONEY', { method: 'DELETE' })).status).toBe(204)
    expect(await stores.reference.stopWords('acme')).toEqual([])

    expect((await admin('/numbers', { method: 'PUT', json: { msisdn: '447700900500', accountId: 'acme' } })).status).toBe(200)
    expect((await admin('/numbers', { method: 'PUT', json: { msisdn: '447700900501', accountId: 'nobody' } })).status).toBe(404)
    expect(await stores.reference.numberOwner('447700900500')).toBe('acme')
    expect((await admin('/numbers/447700900500', { method: 'DELETE' })).status).toBe(204)
    expect(await stores.reference.numberOwner('447700900500')).toBeUndefined()
  })

  it('creates API keys that work at once and shows each key only in the answer that made it', async () => {
    const res = await admin('/api-keys', { method: 'POST', json: { role: 'account', accountId: 'beta', name: 'beta portal' } })
    expect(res.status).toBe(201)
    const made = await res.json()
    expect(made).toMatchObject({ role: 'account', accountId: 'beta', name: 'beta portal', key: expect.stringMatching(/^sk_/) })
    expect(await stores.reference.apiKey(made.keyHash)).not.toHaveProperty('key')
    expect((await call('/accounts/beta/balance', made.key)).status).toBe(200)
    expect((await call('/accounts/acme/balance', made.key)).status).toBe(403)
    expect((await admin(`/api-keys/${made.keyHash}`, { method: 'DELETE' })).status).toBe(204)
    expect((await call('/accounts/beta/balance', made.key)).status).toBe(401)
    expect((await admin('/api-keys', { method: 'POST', json: { role: 'account', name: 'no account' } })).status).toBe(400)
    expect((await admin('/api-keys', { method: 'POST', json: { role: 'finance', accountId: 'acme', name: 'x' } })).status).toBe(400)
  })

  it('lists pending deliveries still valid, and live sessions only', async () => {
    const deliver = {
      kind: 'receipt' as const,
      sourceAddr: '1',
      sourceAddrTon: 1,
      sourceAddrNpi: 1,
      destinationAddr: 'ACME',
      destAddrTon: 5,
      destAddrNpi: 0,
      esmClass: 4,
      dataCoding: 0,
      shortMessage: '',
    }
    await stores.pending.add({
      accountId: 'acme',
      deliveryId: 'd1',
      createdAt: '2025-03-10T11:00:00.000Z',
      validUntil: '2025-03-11T00:00:00.000Z',
      deliver,
    })
    await stores.pending.add({
      accountId: 'acme',
      deliveryId: 'd0',
      createdAt: '2025-03-01T11:00:00.000Z',
      validUntil: '2025-03-02T00:00:00.000Z',
      deliver,
    })
    const pending = await (await admin('/accounts/acme/pending')).json()
    expect(pending.items.map((p: { deliveryId: string }) => p.deliveryId)).toEqual(['d1'])

    const nowSec = Math.floor(Now.getTime() / 1000)
    const session = {
      accountId: 'acme',
      nodeId: 'n1',
      sessionId: 's1',
      bindType: 'transceiver' as const,
      callbackQueueUrl: 'q',
      boundAt: Now.toISOString(),
    }
    await stores.sessions.put({ ...session, expiresAt: nowSec + 60 })
    await stores.sessions.put({ ...session, sessionId: 's0', expiresAt: nowSec - 60 })
    const sessions = await (await admin('/accounts/acme/sessions')).json()
    expect(sessions.items.map((s: { sessionId: string }) => s.sessionId)).toEqual(['s1'])
  })
})
