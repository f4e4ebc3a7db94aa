import { MetricNames } from '../observability/names'
import type { Deps } from './deps'

/**
 * Accounts one sweep reads per page, items it drops per account per sweep (the next sweep takes the rest), and how
 * often it runs: about once a minute (55 s, so AWS's minute schedule runs it every time despite jitter), whatever the
 * due sweep's own cadence (every second locally), as its reads are per account.
 */
export const ExpirySweep = { accountsPerPage: 100, maxPages: 50, itemsPerAccount: 100, everyMs: 55_000 } as const

/**
 * Issue 13 ("undeliverable callbacks are kept until their validity expires, with an alarm"): a receipt or MO stored
 * for an account (lib/domain/deliver.ts) that reaches its `validUntil` (./deferral.ts storedUntil) without any
 * receiver taking it is dropped here and counted as CallbacksExpired, which an alarm watches (infra/cdk
 * platform-alarms.ts): the ESME lost it, and an operator should know. Run by the due-time sweep every minute; TTL
 * ends an item only a day after its validity (lib/adapters/dynamo/pending.ts), as a backstop if this stops.
 */
export async function sweepExpiredCallbacks(deps: Deps): Promise<number> {
  const at = deps.now()
  let total = 0
  let cursor: string | undefined
  for (let page = 0; page < ExpirySweep.maxPages; page++) {
    const accounts = await deps.stores.accounts.list(ExpirySweep.accountsPerPage, cursor)
    for (const { accountId } of accounts.items) {
      const dropped = await deps.stores.pending.dropExpired(accountId, at, ExpirySweep.itemsPerAccount)
      if (dropped.length === 0) continue
      total += dropped.length
      deps.log.warn('stored callbacks expired undelivered', {
        accountId,
        count: dropped.length,
        deliveryIds: dropped.slice(0, 10).map((d) => d.deliveryId),
      })
    }
    if (!(cursor = accounts.cursor)) break
  }
  deps.metrics?.count(MetricNames.CallbacksExpired, total)
  return total
}
