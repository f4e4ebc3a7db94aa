import { beforeAll, describe, expect, it } from 'vitest'
import type { Stores } from '../../lib/ports'
import { api, backends, Keys, seed } from './fixture'

/** Every route checks role and ownership: each key sees exactly what it may, and no more. */

type Op = { method: string; path: string; secured: boolean }

const concrete = (path: string, id: string) =>
  path.replace('{id}', id).replace('{upstreamId}', 'sim').replace('{keyHash}', '0'.repeat(64)).replace('{msisdn}', '447700900000')

describe.each(backends)('API access on %s', (_name, makeStores) => {
  let stores: Stores
  let call: ReturnType<typeof api>['call']
  let ops: Op[]

  beforeAll(async () => {
    stores = await makeStores()
    await seed(stores)
    ;({ call } = api(stores))
    const doc = await (await call('/openapi.json')).json()
    ops = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[] }>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, secured: !!op.security?.length })),
    )
    expect(ops.length).toBeGreaterThan(30)
    expect(ops.filter((o) => !o.secured)).toEqual([])
  })

  it('answers 401 with a JSON error to no key and to an unknown key, on every route', async () => {
    for (const op of ops) {
      for (const key of [undefined, 'not-a-key']) {
        const res = await call(concrete(op.path, 'acme'), key, { method: op.method })
        expect(res.status, `${op.method} ${op.path} key=${key}`).toBe(401)
        expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } })
      }
    }
  })

  it('lets finance read but never write', async () => {
    for (const op of ops.filter((o) => o.method !== 'GET')) {
      const res = await call(concrete(op.path, 'acme'), Keys.finance, { method: op.method, json: {} })
      expect(res.status, `${op.method} ${op.path}`).toBe(403)
      expect((await res.json()).error.code).toBe('forbidden')
    }
    for (const path of [
      '/accounts',
      '/accounts/acme',
      '/accounts/beta/usage',
      '/accounts/acme/usage.csv',
      '/accounts/acme/ledger',
      '/accounts/acme/balance',
      '/accounts/acme/messages',
    ]) {
      expect((await call(path, Keys.finance)).status, path).toBe(200)
    }
    for (const path of ['/tariffs?plan=acme', '/upstreams', '/numbers', '/accounts/acme/sessions', '/accounts/acme/pending']) {
      expect((await call(path, Keys.finance)).status, path).toBe(403)
    }
  })

  it("refuses an account key every other account's data, and every operator route", async () => {
    for (const op of ops.filter((o) => o.path !== '/me')) {
      const res = await call(concrete(op.path, 'beta'), Keys.acme, { method: op.method, json: op.method === 'GET' ? undefined : {} })
      expect(res.status, `${op.method} ${op.path}`).toBe(403)
    }
  })

  it('gives an account key its own usage, balance, ledger and messages', async () => {
    const own = [
      '/accounts/acme',
      '/accounts/acme/usage',
      '/accounts/acme/usage.csv',
      '/accounts/acme/ledger',
      '/accounts/acme/ledger.csv',
      '/accounts/acme/balance',
      '/accounts/acme/messages',
      '/me',
    ]
    for (const path of own) expect((await call(path, Keys.acme)).status, path).toBe(200)
    for (const path of ['/accounts', '/accounts/acme/sessions', '/accounts/acme/pending', '/accounts/acme/credits']) {
      expect((await call(path, Keys.acme, path.endsWith('credits') ? { method: 'POST', json: {} } : {})).status, path).toBe(403)
    }
    expect(await (await call('/me', Keys.acme)).json()).toEqual({ role: 'account', accountId: 'acme', name: 'account acme' })
  })

  it('authenticates before it validates: a bad query from a stranger is 401, from the wrong account 403', async () => {
    expect((await call('/accounts/acme/usage?groupBy=nonsense')).status).toBe(401)
    expect((await call('/accounts/beta/usage?groupBy=nonsense', Keys.acme)).status).toBe(403)
    expect((await call('/accounts/acme/usage?groupBy=nonsense', Keys.acme)).status).toBe(400)
  })

  it('never returns a password hash', async () => {
    const bodies = await Promise.all(['/accounts', '/accounts/acme'].map(async (p) => (await call(p, Keys.admin)).text()))
    for (const b of bodies) expect(b).not.toMatch(/passwordHash|scrypt/)
  })

  it('serves the usage page, the docs page and the OpenAPI document without a key', async () => {
    for (const path of ['/', '/docs', '/openapi.json']) expect((await call(path)).status, path).toBe(200)
    const docs = await (await call('/docs')).text()
    for (const op of ops) expect(docs, op.path).toContain(`<code>${op.path}</code>`)
    expect((await call('/nowhere', Keys.admin)).status).toBe(404)
  })
})
