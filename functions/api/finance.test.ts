import { beforeAll, describe, expect, it } from 'vitest'
import type { Stores } from '../../lib/ports'
import { acmeTraffic, api, backends, Keys, refunded, seed, sumBy, TopUp } from './fixture'

/** Usage, balances and the ledger: totals equal what was charged, to the cent, in JSON and in CSV. */

const charged = sumBy(acmeTraffic, (m) => m.parts * m.price)
const refundedCost = sumBy(
  acmeTraffic.filter((m) => refunded.includes(m.messageId)),
  (m) => m.parts * m.price,
)
const period = 'from=2025-03-01&to=2025-03-10'

const parseCsv = (text: string) => {
  const [header, ...rows] = text
    .trimEnd()
    .split('\r\n')
    .map((l) => l.split(','))
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])))
}

describe.each(backends)('finance API on %s', (_name, makeStores) => {
  let stores: Stores
  let call: ReturnType<typeof api>['call']
  const get = async (path: string, key: string = Keys.finance) => {
    const res = await call(path, key)
    expect(res.status, `${path}: ${res.status === 200 ? '' : await res.clone().text()}`).toBe(200)
    return res
  }

  beforeAll(async () => {
    stores = await makeStores()
    await seed(stores)
    ;({ call } = api(stores))
  })

  it('reports usage totals equal to the sum of the charged messages, in every grouping', async () => {
    // The messages themselves, paged 5 at a time: the ground truth the counters must match.
    const messages: Array<{ cost: number; parts: number }> = []
    let cursor: string | undefined
    for (let pages = 0; pages < 10; pages++) {
      const body = await (
        await get(`/accounts/acme/messages?from=2025-03-01&to=2025-03-10&limit=5${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()
      messages.push(...body.items)
      expect(body.items.length).toBeLessThanOrEqual(5)
      if (!(cursor = body.cursor)) break
    }
    expect(messages).toHaveLength(acmeTraffic.length)
    expect(sumBy(messages, (m) => m.cost)).toBe(charged)

    for (const groupBy of ['day', 'month', 'prefix', 'country', 'status']) {
      const r = await (await get(`/accounts/acme/usage?${period}&groupBy=${groupBy}`)).json()
      expect(r.totals, groupBy).toEqual({
        messages: acmeTraffic.length,
        parts: sumBy(acmeTraffic, (m) => m.parts),
        cost: charged,
        costDecimal: (charged / 100).toFixed(2),
        refunds: refundedCost,
        refundsDecimal: (refundedCost / 100).toFixed(2),
        net: charged - refundedCost,
        netDecimal: ((charged - refundedCost) / 100).toFixed(2),
        partsSaved: sumBy(acmeTraffic, (m) => m.partsSaved ?? 0), // issue 17: summed from the CHARGED counters
      })
      if (groupBy !== 'status')
        expect(
          sumBy(r.items, (i: { cost: number }) => i.cost),
          groupBy,
        ).toBe(charged)
    }
  })

  it('groups by day (every day of the period), by destination prefix and by final status', async () => {
    const byDay = await (await get(`/accounts/acme/usage?${period}&groupBy=day`)).json()
    expect(byDay.items.map((i: { key: string }) => i.key)).toEqual(
      Array.from({ length: 10 }, (_, i) => `2025-03-${String(i + 1).padStart(2, '0')}`),
    )
    for (const day of byDay.items) {
      const sent = acmeTraffic.filter((m) => m.day === day.key)
      expect([day.key, day.messages, day.cost]).toEqual([day.key, sent.length, sumBy(sent, (m) => m.parts * m.price)])
    }
    const byPrefix = await (await get(`/accounts/acme/usage?${period}&groupBy=prefix`)).json()
    expect(byPrefix.items.map((i: { key: string; messages: number }) => [i.key, i.messages])).toEqual([
      ['', 1],
      ['4477', 7],
      ['4915', 5],
    ])
    const byStatus = await (await get(`/accounts/acme/usage?${period}&groupBy=status`)).json()
    expect(byStatus.items.map((i: { key: string; messages: number; refunds: number }) => [i.key, i.messages, i.refunds])).toEqual([
      ['CHARGED', 13, 0],
      ['DELIVERED', 2, 0],
      ['REFUNDED', 0, refundedCost],
    ])
  })

  it('exports CSV whose rows add up to the JSON totals', async () => {
    for (const groupBy of ['day', 'prefix', 'country']) {
      const json = await (await get(`/accounts/acme/usage?${period}&groupBy=${groupBy}`)).json()
      const res = await get(`/accounts/acme/usage?${period}&groupBy=${groupBy}&format=csv`)
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/)
      const text = await res.text()
      expect(await (await get(`/accounts/acme/usage.csv?${period}&groupBy=${groupBy}`)).text()).toBe(text)
      const rows = parseCsv(text)
      expect(rows).toHaveLength(json.items.length)
      for (const f of ['messages', 'parts', 'cost', 'refunds', 'net', 'partsSaved'])
        expect(
          sumBy(rows, (r) => Number(r[f])),
          `${groupBy} ${f}`,
        ).toBe(json.totals[f])
      // The decimal column adds up too, done in integer cents from the string, never through a float sum.
      expect(sumBy(rows, (r) => Number(r.costDecimal.replace('.', '')))).toBe(json.totals.cost)
    }
  })

  it('lists the ledger oldest first with a running balance that ends at the current balance', async () => {
    const items: Array<{ entryId: string; amount: number; balanceAfter: number; kind: string; amountDecimal: string }> = []
    let cursor: string | undefined
    for (let pages = 0; pages < 20; pages++) {
      const body = await (await get(`/accounts/acme/ledger?from=2025-02-01&limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json()
      items.push(...body.items)
      if (!(cursor = body.cursor)) break
    }
    const balance = TopUp - charged + refundedCost
    expect(items).toHaveLength(1 + acmeTraffic.length + refunded.length)
    expect(items[0]).toMatchObject({ kind: 'topup', amount: TopUp, balanceAfter: TopUp, amountDecimal: '1000.00' })
    for (const [i, e] of items.entries()) expect(e.balanceAfter).toBe((i ? items[i - 1].balanceAfter : 0) + e.amount)
    expect(items.at(-1)!.balanceAfter).toBe(balance)
    expect(await (await get('/accounts/acme/balance')).json()).toMatchObject({ balance, balanceDecimal: (balance / 100).toFixed(2) })

    // A period in the past still derives its balances from today's balance backwards.
    const early = await (await get('/accounts/acme/ledger?from=2025-03-02&to=2025-03-02')).json()
    expect(early.items.length).toBeGreaterThan(0)
    for (const e of early.items) expect(e.balanceAfter).toBe(items.find((x) => x.entryId === e.entryId)!.balanceAfter)

    const csv = parseCsv(await (await get('/accounts/acme/ledger.csv?from=2025-02-01')).text())
    expect(csv.map((r) => Number(r.balanceAfter))).toEqual(items.map((e) => e.balanceAfter))
    expect(csv.map((r) => r.amountDecimal)).toEqual(items.map((e) => e.amountDecimal))
  })

  it('formats money in the currency of the account (JPY has no minor digits)', async () => {
    expect(await (await get('/accounts/beta/balance')).json()).toEqual({
      accountId: 'beta',
      sandbox: false,
      currency: 'JPY',
      balance: 4_988,
      balanceDecimal: '4988',
      creditLimit: 0,
      creditLimitDecimal: '0',
      available: 4_988,
      availableDecimal: '4988',
    })
  })

  it.each([
    ['/accounts/acme/usage?from=2025-03-05&to=2025-03-01', 'invalid_period'],
    ['/accounts/acme/usage?from=2024-01-01&to=2025-03-01', 'invalid_period'],
    ['/accounts/acme/usage?from=2025-02-30', 'invalid_request'],
    ['/accounts/acme/usage?groupBy=week', 'invalid_request'],
    ['/accounts/acme/ledger?limit=0', 'invalid_request'],
    ['/accounts/acme/ledger?limit=5000', 'invalid_request'],
    ['/accounts/acme/ledger?cursor=%%%', 'invalid_cursor'],
    ['/accounts/acme/messages?cursor=bm90IGpzb24', 'invalid_cursor'],
  ])('refuses %s with 400 %s', async (path, code) => {
    const res = await call(path, Keys.finance)
    expect(res.status).toBe(400)
    expect((await res.json()).error.code).toBe(code)
  })

  it("refuses another listing's cursor: an account cannot page on from someone else's position", async () => {
    for (const list of ['messages', 'ledger']) {
      const first = await (await get(`/accounts/acme/${list}?from=2025-02-01&limit=2`)).json()
      expect(first.cursor, list).toBeTruthy()
      const res = await call(`/accounts/beta/${list}?from=2025-02-01&limit=2&cursor=${first.cursor}`, Keys.beta)
      expect([res.status, (await res.json()).error.code], list).toEqual([400, 'invalid_cursor'])
    }
  })

  it('answers 404 for an account that does not exist', async () => {
    const res = await call('/accounts/nobody/usage', Keys.finance)
    expect([res.status, (await res.json()).error.code]).toEqual([404, 'not_found'])
  })
})
