import { beforeEach, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import type { Stores } from '../ports'
import { Status } from '../smpp/status'
import { SmppError } from './errors'
import { account, seed } from './fixtures'
import { costOf, quote } from './pricing'

let stores: Stores
beforeEach(async () => {
  stores = memoryStores()
  await seed(stores)
})
const statusOf = (p: Promise<unknown>) =>
  p.then(
    () => 0,
    (e) => (e instanceof SmppError ? e.status : -1),
  )

it('picks the longest tariff prefix and orders the route by priority', async () => {
  const q = await quote(stores.reference, account(), '447700900001')
  expect(q.tariff).toMatchObject({ prefix: '447', price: 7 })
  expect(q.upstreams).toEqual(['up-a', 'up-b'])
  expect(q.upstreamTariff).toMatchObject({ upstreamId: 'up-a', cost: 2 })
  expect((await quote(stores.reference, account(), '4420')).tariff.prefix).toBe('44')
})

it("falls back to the platform's default routes (plan '*')", async () => {
  await stores.reference.putRoute({ plan: '*', prefix: '33', upstreams: [{ upstreamId: 'up-b', priority: 1 }] })
  await stores.reference.putUpstreamTariff({ upstreamId: 'up-b', prefix: '33', cost: 1, currency: 'EUR' })
  expect((await quote(stores.reference, account(), '3312')).upstreams).toEqual(['up-b'])
})

it('a catch-all tariff prefix prices any destination', async () => {
  await stores.reference.putTariff({ plan: 'acme', prefix: '', price: 9, currency: 'EUR' })
  expect(await statusOf(quote(stores.reference, account(), '1212'))).toBe(Status.NoRoute) // priced now, but not routed
})

it.each([
  ['1212', Status.NoTariff],
  ['3312', Status.NoRoute],
  ['4912', Status.NoUpstreamTariff],
])('%s is refused with 0x%s', async (destination, status) => {
  expect(await statusOf(quote(stores.reference, account(), destination))).toBe(status)
})

it('costs parts x price; a job always counts at least one part', () => {
  expect(costOf(3, { plan: 'p', prefix: '', price: 5, currency: 'EUR' })).toBe(15)
  expect(costOf(0, { plan: 'p', prefix: '', price: 5, currency: 'EUR' })).toBe(5)
})
