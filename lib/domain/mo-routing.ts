import type { AccountStore, ReferenceStore } from '../ports'
import { upstreamsOf } from './pricing'

/** Where an MO from an upstream to a number goes: the owning account, or why nobody gets it. */
export type MoTarget = { accountId: string } | { refused: 'unknown-number' | 'not-served' }

/**
 * Issue 13 leftover (docs/DESIGN.md rule 6, trust boundaries): a carrier may inject MO only for the numbers it
 * serves, so one upstream's webhook key or bind cannot write into another carrier's short codes. An upstream
 * serves a number when the owning account's route to that number names it (the carrier of that number's
 * network), or when the number's MO entry lists it (an explicit MO routing, e.g. a short code shared by
 * several carriers). The API's webhook answers 403 for the rest; the DLR function drops them.
 */
export async function moTarget(
  stores: { reference: Pick<ReferenceStore, 'moNumber' | 'routeFor'>; accounts: Pick<AccountStore, 'get'> },
  upstreamId: string,
  destinationAddr: string,
): Promise<MoTarget> {
  const number = await stores.reference.moNumber(destinationAddr)
  if (!number) return { refused: 'unknown-number' }
  if (number.upstreams?.includes(upstreamId)) return { accountId: number.accountId }
  const account = await stores.accounts.get(number.accountId)
  const route = await stores.reference.routeFor(account?.tariffPlan ?? number.accountId, destinationAddr)
  return upstreamsOf(route).includes(upstreamId) ? { accountId: number.accountId } : { refused: 'not-served' }
}
