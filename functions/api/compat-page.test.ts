import { existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { type ServerType, serve } from '@hono/node-server'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryStores } from '../../lib/adapters/memory'
import { observation } from '../../lib/domain/compat-fixture'
import { api, Keys, seed } from './fixture'

/** The compatibility page in headless Chromium (Debian's package, as page.test.ts installs it), against the app. */
const Chromium = '/usr/bin/chromium'

describe('compatibility page (issue 19)', () => {
  let server: ServerType
  let browser: Browser
  let page: Page
  let base: string

  beforeAll(async () => {
    // page.test.ts installs Debian's chromium when the machine lacks it; wait for it rather than install twice.
    for (let waited = 0; !existsSync(Chromium); waited += 2_000) {
      if (waited > 900_000) throw new Error(`${Chromium} missing: run functions/api/page.test.ts, which installs it`)
      await new Promise((r) => setTimeout(r, 2_000))
    }
    const stores = memoryStores()
    await seed(stores)
    await stores.compat.putSessions([
      observation({
        accountId: 'acme',
        speed: 50,
        throttled: 4,
        badEncodings: { 'data_coding 0 carrying bytes outside GSM 03.38': 2 },
        timeline: [
          { t: 100, submitted: 40, accepted: 40, throttled: 0 },
          { t: 101, submitted: 54, accepted: 50, throttled: 4 },
        ],
      }),
    ])
    const { app } = api(stores)
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
    })
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    browser = await chromium.launch({ executablePath: Chromium, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] })
    page = await (await browser.newContext({ viewport: { width: 1100, height: 1000 } })).newPage()
  }, 1_000_000)

  afterAll(async () => {
    await browser?.close()
    await new Promise((r) => (server ? server.close(r) : r(undefined)))
  })

  it('shows the findings and the speed test: accepted per second against the speed, throttled seconds marked', async () => {
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    await page.goto(`${base}/compat`)
    await page.fill('#key', Keys.acme)
    await page.click('#keyform button[type=submit]')
    await page.fill('#account', 'acme')
    await page.click('#show')
    await page.waitForSelector('#results:not([hidden]) #speed rect.bar')
    expect(await page.textContent('#verdict')).toBe('acme: fail')
    expect(await page.textContent('#findings tr[data-check="data_coding"] td.level')).toBe('fail')
    expect(await page.textContent('#findings tr[data-check="speed"]')).toContain('4 throttled (0x58)')
    const bars = await page.$$eval('#speed rect.bar', (rs) =>
      rs.map((r) => [Number(r.getAttribute('data-t')), Number(r.getAttribute('data-accepted'))]),
    )
    expect(bars).toEqual([
      [100, 40],
      [101, 50],
    ])
    expect(await page.$$eval('#speed rect.throttled', (rs) => rs.map((r) => Number(r.getAttribute('data-throttled'))))).toEqual([4])
    // The line is the account's speed now (the fixture's acme: 100/s), as the report gives it.
    expect(await page.getAttribute('#speed line.speed', 'data-speed')).toBe('100')
    expect(await page.$$eval('#sessions tbody tr', (trs) => trs.length)).toBe(1)
    expect(errors).toEqual([])
  })

  it('is linked from the usage page', async () => {
    await page.goto(`${base}/`)
    expect(await page.getAttribute('a[href="/compat"]', 'href')).toBe('/compat')
  })
})
