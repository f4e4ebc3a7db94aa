import { beforeAll, describe, expect, it } from 'vitest'
import type { Stores } from '../../lib/ports'
import { account, acmeTraffic, api, backends, charge, Keys, refunded, seed, sumBy } from './fixture'

/** Issue 19: sandbox traffic is test credit, labelled in every finance view and never added to live revenue. */
const period = 'from=2025-03-01&to=2025-03-10'
const trialTraffic = [
  { messageId: 't-1', day: '2025-03-02', prefix: '', country: '', parts: 2, price: 50 },
  { messageId: 't-2', day: '2025-03-03', prefix: '', country: '', parts: 1, price: 50 },
]
const trialCost = sumBy(trialTraffic, (m) => m.parts * m.price)
const acmeNet =
  sumBy(acmeTraffic, (m) => m.parts * m.price) -
  sumBy(
    acmeTraffic.filter((m) => refunded.includes(m.messageId)),
    (m) => m.parts * m.price,
  )

describe.each(backends)('sandbox apart in finance views, on %s', (_name, makeStores) => {
  let stores: Stores
  let call: ReturnType<typeof api>['call']
  const get = async (path: string, key: string = Keys.finance) => {
    const res = await call(path, key)
    expect(res.status, `${path}: ${res.status === 200 ? '' : await res.clone().text()}`).toBe(200)
    return res.json()
  }

  beforeAll(async () => {
    stores = await makeStores()
    await seed(stores)
    await stores.accounts.create(account('trial', { sandbox: true }))
    await stores.accounts.credit({
      accountId: 'trial',
      entryId: 'seed-topup-trial',
      at: '2025-02-28T09:00:00.000Z',
      kind: 'topup',
      amount: 10_000,
    })
    for (const m of trialTraffic) await charge(stores, 'trial', m)
    ;({ call } = api(stores))
  })

  it('labels the usage report, the ledger and the balance of a sandbox account, and of a live one', async () => {
    for (const [id, sandbox] of [
      ['trial', true],
      ['acme', false],
    ] as const) {
      expect((await get(`/accounts/${id}/usage?${period}`)).sandbox, id).toBe(sandbox)
      expect((await get(`/accounts/${id}/ledger?from=2025-02-01`)).sandbox, id).toBe(sandbox)
      expect((await get(`/accounts/${id}/balance`)).sandbox, id).toBe(sandbox)
    }
    expect((await get(`/accounts/trial/usage?${period}`)).totals).toMatchObject({ messages: 2, parts: 3, cost: trialCost })
    // A download keeps the label in its name, so a sandbox file is told apart once saved.
    const disposition = async (path: string) => (await call(path, Keys.finance)).headers.get('content-disposition')
    expect(await disposition(`/accounts/trial/usage.csv?${period}`)).toBe(
      'attachment; filename="usage-trial-sandbox-2025-03-01-2025-03-10-day.csv"',
    )
    expect(await disposition('/accounts/trial/ledger.csv?from=2025-02-01&to=2025-03-10')).toBe(
      'attachment; filename="ledger-trial-sandbox-2025-02-01-2025-03-10.csv"',
    )
    expect(await disposition(`/accounts/acme/usage.csv?${period}`)).toBe('attachment; filename="usage-acme-2025-03-01-2025-03-10-day.csv"')
  })

  it('totals every account with live revenue and sandbox test credit apart, per currency', async () => {
    const r = await get(`/usage?${period}`)
    expect(r.accounts.map((a: { accountId: string; sandbox: boolean; net: number }) => [a.accountId, a.sandbox, a.net]).sort()).toEqual([
      ['acme', false, acmeNet],
      ['beta', false, 12],
      ['trial', true, trialCost],
    ])
    expect(r.totals).toEqual({
      live: [
        expect.objectContaining({ currency: 'EUR', accounts: 1, net: acmeNet, netDecimal: (acmeNet / 100).toFixed(2) }),
        expect.objectContaining({ currency: 'JPY', accounts: 1, messages: 1, cost: 12, net: 12, netDecimal: '12' }),
      ],
      sandbox: [
        expect.objectContaining({ currency: 'EUR', accounts: 1, messages: 2, parts: 3, cost: trialCost, refunds: 0, net: trialCost }),
      ],
    })
    expect(r.cursor).toBeUndefined()
  })

  it('pages through the accounts, and the pages add up to the whole', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: pages as the API answers them
    const pages: any[] = []
    let cursor: string | undefined
    for (let i = 0; i < 10; i++) {
      const page = await get(`/usage?${period}&limit=1${cursor ? `&cursor=${cursor}` : ''}`)
      pages.push(page)
      if (!(cursor = page.cursor)) break
    }
    expect(pages.flatMap((p) => p.accounts)).toHaveLength(3)
    const eur = (kind: 'live' | 'sandbox') =>
      sumBy(pages, (p) => p.totals[kind].find((t: { currency: string }) => t.currency === 'EUR')?.net ?? 0)
    expect([eur('live'), eur('sandbox')]).toEqual([acmeNet, trialCost])
  })

  it('is for operators and finance only, over a bounded period', async () => {
    expect((await call(`/usage?${period}`, Keys.acme)).status).toBe(403)
    expect((await call('/usage?from=2025-03-05&to=2025-03-01', Keys.finance)).status).toBe(400)
    expect((await call('/usage?limit=500', Keys.finance)).status).toBe(400)
  })
})
