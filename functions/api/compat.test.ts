import { beforeEach, describe, expect, it } from 'vitest'
import { memoryStores } from '../../lib/adapters/memory'
import { observation } from '../../lib/domain/compat-fixture'
import type { Stores } from '../../lib/ports'
import { api, Keys, seed } from './fixture'

let stores: Stores
let call: ReturnType<typeof api>['call']

beforeEach(async () => {
  stores = memoryStores()
  await seed(stores)
  call = api(stores).call
})

describe('GET /accounts/{id}/compat (issue 19)', () => {
  it('judges the sessions one by one and together, newest first, with the speed-test timeline', async () => {
    await stores.compat.putSessions([
      observation({
        accountId: 'acme',
        sessionId: 'old',
        boundAt: '2026-12-01T09:00:00.000Z',
        end: 'unbind',
        timeline: [{ t: 5, submitted: 3, accepted: 2, throttled: 1 }],
      }),
      observation({
        accountId: 'acme',
        sessionId: 'new',
        boundAt: '2026-12-01T10:00:00.000Z',
        badEncodings: { 'data_coding 0 carrying bytes outside GSM 03.38': 1 },
      }),
    ])
    const res = await call('/accounts/acme/compat', Keys.acme)
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toMatchObject({
      accountId: 'acme',
      sandbox: false,
      verdict: 'fail',
      timeline: [{ t: 5, submitted: 3, accepted: 2, throttled: 1 }],
    })
    expect(body.sessions.map((s: { sessionId: string; verdict: string }) => [s.sessionId, s.verdict])).toEqual([
      ['new', 'fail'],
      ['old', 'pass'],
    ])
    expect(body.findings.find((f: { check: string }) => f.check === 'data_coding')).toMatchObject({
      level: 'fail',
      rule: 'SMPP 3.4 section 5.2.19 data_coding',
    })
  })

  it('an account sees only its own report; none yet is an empty pass', async () => {
    expect((await call('/accounts/acme/compat', Keys.beta)).status).toBe(403)
    expect(await (await call('/accounts/beta/compat', Keys.beta)).json()).toMatchObject({ verdict: 'pass', sessions: [], findings: [] })
    expect((await call('/accounts/nobody/compat', Keys.admin)).status).toBe(404)
  })

  it('is in the OpenAPI document', async () => {
    const doc = await (await call('/openapi.json')).json()
    expect(doc.paths['/accounts/{id}/compat'].get.responses['200']).toBeDefined()
    expect(doc.components.schemas.CompatReport).toBeDefined()
  })
})

describe('sandbox flag over the admin API (issue 19)', () => {
  it('is set at creation, shown on the account, and cannot be patched', async () => {
    const created = await call('/accounts', Keys.admin, { method: 'POST', json: { accountId: 'trial', password: 'pw', sandbox: true } })
    expect(created.status).toBe(201)
    expect(await created.json()).toMatchObject({ accountId: 'trial', sandbox: true })
    expect((await (await call('/accounts/acme', Keys.admin)).json()).sandbox).toBe(false)
    expect((await call('/accounts/trial', Keys.admin, { method: 'PATCH', json: { sandbox: false } })).status).toBe(400)
    expect((await stores.accounts.get('trial'))?.sandbox).toBe(true)
  })
})
