import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type ServerType, serve } from '@hono/node-server'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryStores } from '../../lib/adapters/memory'
import { account, acmeTraffic, api, charge, Keys, Now, refunded, seed, sumBy } from './fixture'

/** The usage page in headless Chromium (Debian's package), against the app on a loopback port. */

const Chromium = '/usr/bin/chromium'
const screenshot = fileURLToPath(new URL('../../test-results/usage-page.png', import.meta.url))
const run = promisify(execFile)

/** Installed on first use: the machine image does not ship a browser. Waits for the dpkg lock if another suite is installing. */
async function ensureChromium() {
  if (existsSync(Chromium)) return
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const opts = { env, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 }
  await run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'update'], opts)
  await run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', 'chromium'], opts)
  if (!existsSync(Chromium)) throw new Error(`apt-get finished but ${Chromium} is missing`)
}

describe('usage page', () => {
  let server: ServerType
  let browser: Browser
  let page: Page
  let base: string
  let call: ReturnType<typeof api>['call']

  beforeAll(async () => {
    await ensureChromium()
    const stores = memoryStores({ now: () => Now })
    await seed(stores)
    await stores.accounts.create(account('trial', { sandbox: true })) // issue 19: labelled as test credit
    await stores.accounts.credit({
      accountId: 'trial',
      entryId: 'topup-trial',
      at: '2025-02-28T09:00:00.000Z',
      kind: 'topup',
      amount: 1_000,
    })
    await charge(stores, 'trial', { messageId: 't-1', day: '2025-03-02', prefix: '', country: '', parts: 1, price: 50 })
    const built = api(stores)
    call = built.call
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: built.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
    })
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    browser = await chromium.launch({
      executablePath: Chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
    page = await (await browser.newContext({ viewport: { width: 1100, height: 1000 }, acceptDownloads: true })).newPage()
  }, 1_200_000)

  afterAll(async () => {
    await browser?.close()
    await new Promise((r) => (server ? server.close(r) : r(undefined)))
  })

  const useKey = async (key: string) => {
    await page.fill('#key', key)
    await page.click('#keyform button[type=submit]')
  }

  it('shows usage per day as a chart and per destination as a table for the chosen account and period', async () => {
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    await page.goto(`${base}/`)
    await useKey(Keys.finance)
    await page.locator('#account option').nth(1).waitFor({ state: 'attached' })
    expect(await page.$$eval('#account option', (os) => os.map((o) => o.textContent))).toEqual(['acme', 'beta', 'trial (sandbox)'])
    expect(await page.evaluate("sessionStorage.getItem('smppApiKey')")).toBe(Keys.finance)

    await page.selectOption('#account', 'acme')
    await page.fill('#from', '2025-03-01')
    await page.fill('#to', '2025-03-07')
    await page.click('#show')
    await page.waitForSelector('#results:not([hidden]) #chart rect.bar')

    const bars = await page.$$eval('#chart rect.bar', (rs) =>
      rs.map((r) => [r.getAttribute('data-day'), Number(r.getAttribute('data-value')), Number(r.getAttribute('height'))]),
    )
    const days = Array.from({ length: 7 }, (_, i) => `2025-03-0${i + 1}`)
    const perDay = days.map((d) => acmeTraffic.filter((m) => m.day === d).length)
    expect(bars.map(([day, value]) => [day, value])).toEqual(days.map((d, i) => [d, perDay[i]]))
    // The tallest day gets the full height; an empty day no bar at all.
    const tallest = Math.max(...perDay)
    for (const [, value, height] of bars) expect(height === 0).toBe(value === 0)
    expect(bars.filter(([, v]) => v === tallest).map(([, , h]) => h)).toEqual(expect.arrayContaining([208]))

    const rows = await page.$$eval('#destinations tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    )
    const cents = (n: number) => (n / 100).toFixed(2)
    const row = (prefix: string, label: string) => {
      const sent = acmeTraffic.filter((m) => m.prefix === prefix)
      const refunds = sumBy(
        sent.filter((m) => refunded.includes(m.messageId)),
        (m) => m.parts * m.price,
      )
      const cost = sumBy(sent, (m) => m.parts * m.price)
      const saved = String(sumBy(sent, (m) => m.partsSaved ?? 0)) // issue 17: parts saved by shift tables
      return [label, String(sent.length), String(sumBy(sent, (m) => m.parts)), cents(cost), cents(refunds), cents(cost - refunds), saved]
    }
    expect(rows).toEqual([row('', '(any)'), row('4477', '4477'), row('4915', '4915')])
    expect(await page.textContent('#totals')).toMatch(
      new RegExp(`parts saved by shift tables ${sumBy(acmeTraffic, (m) => m.partsSaved ?? 0)}$`),
    )
    await page.selectOption('#metric', 'partsSaved')
    const saved = await page.$$eval('#chart rect.bar', (rs) => rs.map((r) => Number(r.getAttribute('data-value'))))
    expect(saved).toEqual(
      days.map((d) =>
        sumBy(
          acmeTraffic.filter((m) => m.day === d),
          (m) => m.partsSaved ?? 0,
        ),
      ),
    )

    await page.selectOption('#metric', 'cost')
    const costs = await page.$$eval('#chart rect.bar', (rs) => rs.map((r) => Number(r.getAttribute('data-value'))))
    expect(costs).toEqual(
      days.map((d) =>
        sumBy(
          acmeTraffic.filter((m) => m.day === d),
          (m) => m.parts * m.price,
        ),
      ),
    )

    mkdirSync(dirname(screenshot), { recursive: true })
    await page.screenshot({ path: screenshot, fullPage: true })
    expect(errors).toEqual([])
  })

  it('says a sandbox account shows test credit, not revenue (issue 19)', async () => {
    await page.selectOption('#account', 'trial')
    await page.click('#show')
    await page.locator('#totals', { hasText: 'Sandbox account' }).waitFor()
    expect(await page.textContent('#totals')).toBe(
      'Sandbox account: test credit, not revenue. 1 messages, 1 parts, cost 0.50 EUR, refunds 0.00, net 0.50, parts saved by shift tables 0',
    )
    await page.selectOption('#account', 'acme')
    await page.click('#show')
    await page.locator('#totals', { hasText: /^\d+ messages/ }).waitFor()
  })

  it('downloads the same CSV the API serves', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csvPrefix')])
    expect(download.suggestedFilename()).toBe('usage-by-destination.csv')
    const fromPage = readFileSync((await download.path())!, 'utf8')
    const fromApi = await (await call('/accounts/acme/usage?groupBy=prefix&from=2025-03-01&to=2025-03-07&format=csv', Keys.finance)).text()
    expect(fromPage).toBe(fromApi)
    expect(fromPage.split('\r\n')[0]).toBe(
      'prefix,messages,parts,cost,costDecimal,refunds,refundsDecimal,net,netDecimal,currency,partsSaved',
    )
  })

  it('offers an account key its own account only, and says so when a key is refused', async () => {
    await useKey(Keys.beta)
    // Locators, not string predicates: the page's CSP forbids eval, which a string waitForFunction needs.
    await page.locator('#who', { hasText: 'account' }).waitFor()
    expect(await page.$$eval('#account option', (os) => os.map((o) => o.textContent))).toEqual(['beta'])
    await useKey('wrong-key')
    await page.locator('#status', { hasText: /^401/ }).waitFor()
    expect(await page.textContent('#status')).toBe('401 unknown API key')
  })
})
