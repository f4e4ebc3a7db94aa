import { beforeAll, describe, expect, it } from 'vitest'
import { dynamoStores } from '../../lib/adapters/dynamo'
import { verifyPassword } from '../../lib/domain/password'
import type { Stores } from '../../lib/ports'
import { localServices } from '../../test/local-services'
import { seedDemo, sha256Hex } from './seed'

let stores: Stores
const opts = {
  systemId: 'demo',
  password: 'demopass',
  adminApiKey: 'k-123',
  simulatorUrl: 'http://127.0.0.1:9/sms',
  moNumber: '447700900999',
  now: new Date('2025-01-01T00:00:00Z'),
}

beforeAll(async () => {
  const { db, config } = await localServices()
  stores = dynamoStores(db, config.tables)
  await seedDemo(stores, opts)
})

describe('seedDemo', () => {
  it('creates the demo account with a generous speed, a short duplicate window and a large balance', async () => {
    const account = await stores.accounts.get('demo')
    expect(account).toMatchObject({ enabled: true, refusalMode: 'sync', sessionLimit: 10, tariffPlan: 'demo' })
    expect(account!.speed).toBeGreaterThanOrEqual(1_000)
    expect(account!.duplicateWindowSec).toBeGreaterThan(0)
    expect(account!.duplicateWindowSec).toBeLessThanOrEqual(10)
    expect(account!.balance).toBeGreaterThanOrEqual(1_000_000)
    expect(await verifyPassword('demopass', account!.passwordHash)).toBe(true)
  })

  it('prices, routes and costs any destination through the simulator', async () => {
    for (const to of ['447700900123', '999001555', '1']) {
      expect(await stores.reference.tariffFor('demo', to)).toMatchObject({ prefix: '' })
      expect(await stores.reference.routeFor('demo', to)).toMatchObject({ upstreams: [{ upstreamId: 'simulator' }] })
      expect(await stores.reference.upstreamTariffFor('simulator', to)).toMatchObject({ prefix: '' })
    }
    expect(await stores.reference.upstream('simulator')).toMatchObject({ kind: 'http', url: opts.simulatorUrl })
  })

  it('gives demo an MO number and stores the admin key by its sha256', async () => {
    expect(await stores.reference.numberOwner('447700900999')).toBe('demo')
    expect(await stores.reference.apiKey(sha256Hex('k-123'))).toMatchObject({ role: 'admin' })
  })

  it('runs again over kept data, keeping the balance and taking a new password', async () => {
    const before = await stores.accounts.get('demo')
    await seedDemo(stores, { ...opts, password: 'newpass', simulatorUrl: 'http://127.0.0.1:10/sms' })
    const after = await stores.accounts.get('demo')
    expect(after!.balance).toBe(before!.balance)
    expect(await verifyPassword('newpass', after!.passwordHash)).toBe(true)
    expect(await stores.reference.upstream('simulator')).toMatchObject({ url: 'http://127.0.0.1:10/sms' })
  })
})
