import type { ReferenceStore } from '../ports'
import { NoRoute, NoTariff, NoUpstreamTariff } from './errors'
import type { Account, Route, Tariff, UpstreamTariff } from './model'
import { upstreamsForAccount } from './sandbox'

export interface Quote {
  tariff: Tariff
  /** Upstream ids in route priority order: the first is tried first, the next is the failover. */
  upstreams: string[]
  upstreamTariff: UpstreamTariff
}

/** A route's upstream ids in priority order (none without a route). */
export const upstreamsOf = (route: Route | undefined): string[] =>
  [...(route?.upstreams ?? [])].sort((a, b) => a.priority - b.priority).map((u) => u.upstreamId)

/**
 * Step 4 of submit, in the order: the account's tariff by longest prefix (0x043C), then the
 * routing policy of the plan or the platform (0x045A), then the chosen upstream's tariff (0x043F).
 * A tariff in another currency than the account's cannot be billed, so it counts as no tariff.
 */
export async function quote(reference: ReferenceStore, account: Account, destination: string): Promise<Quote> {
  // Both lookups are independent reads: fetch together (one round trip less per message), judge in order.
  const [tariff, route] = await Promise.all([
    reference.tariffFor(account.tariffPlan, destination),
    reference.routeFor(account.tariffPlan, destination),
  ])
  if (!tariff || tariff.currency !== account.currency) throw new NoTariff(destination)
  const upstreams = upstreamsForAccount(account, upstreamsOf(route))
  if (upstreams.length === 0) throw new NoRoute(destination)
  const upstreamTariff = await reference.upstreamTariffFor(upstreams[0], destination)
  if (!upstreamTariff) throw new NoUpstreamTariff(upstreams[0])
  return { tariff, upstreams, upstreamTariff }
}

/** What a message costs: parts x price per part, in minor units. */
export const costOf = (parts: number, tariff: Tariff): number => Math.max(1, parts) * tariff.price
