import { inFlightLimitOf, type ThrottleLimits } from '../../lib/domain/throttle-limits'

/**
 * Messages in flight per account and destination prefix (issue 17): from the submit to its verdict (the
 * submit_sm_resp), or to the post of an async account's job. Over the limit a submit gets ESME_RMSGQFUL (0x14),
 * as a full window does. Held per node at this node's share of the account (as the speed is), so the cluster
 * together holds the account's limit without a shared write per message.
 */
export class InFlight {
  private readonly counts = new Map<string, number>()

  /**
   * Enters a submit to these destinations: a release to call once (idempotent) when its verdict is answered, or
   * undefined when a prefix is full. A prefix without a limit is not counted.
   */
  enter(
    account: { accountId: string; throttle?: ThrottleLimits },
    destinations: readonly string[],
    share: number,
  ): (() => void) | undefined {
    if (!account.throttle?.inFlight?.length) return noop
    const keys: string[] = []
    for (const d of destinations) {
      const limit = inFlightLimitOf(account.throttle, d)
      if (!limit) continue
      const key = `${account.accountId}#${limit.prefix}`
      const here = Math.max(1, Math.floor(limit.max * Math.min(1, share)))
      if ((this.counts.get(key) ?? 0) + keys.filter((k) => k === key).length >= here) return undefined
      keys.push(key)
    }
    for (const k of keys) this.counts.set(k, (this.counts.get(k) ?? 0) + 1)
    let done = false
    return () => {
      if (done) return
      done = true
      for (const k of keys) {
        const n = (this.counts.get(k) ?? 1) - 1
        if (n <= 0) this.counts.delete(k)
        else this.counts.set(k, n)
      }
    }
  }

  /** Messages in flight here for a prefix (health, tests). */
  count(accountId: string, prefix: string): number {
    return this.counts.get(`${accountId}#${prefix}`) ?? 0
  }
}

const noop = () => {}
