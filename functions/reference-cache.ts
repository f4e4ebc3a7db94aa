import type { ReferenceStore } from '../lib/ports'

/**
 * How long the submit function keeps what it read of the operator's price, route and content rules, across
 * invocations (issue 12: every batch read them again, 0.6 of the 4.4 DynamoDB requests per message in
 * bench/cpu-per-message.ts). It is the propagation delay of an operator's change to a tariff, route, upstream tariff,
 * blacklist entry or stop word towards submits that read the same key just before (docs/PIPELINE.md "Reference
 * rows"); a key not read within it is read afresh.
 */
export const ReferenceCacheMs = 2_000

/** Bounds the memory of a container that sees many destinations: past it, the entries start over. */
const MaxEntries = 10_000

type Reads = Pick<ReferenceStore, 'tariffFor' | 'routeFor' | 'upstreamTariffFor' | 'blacklistHits' | 'stopWords'>

/**
 * The reference store with those five reads kept for `ttlMs` per key (an absent row too: "no tariff" is an answer).
 * A failed read is not kept. Everything else, the upstream rows among them (dispatch reads them once per batch, and
 * a changed secret must take effect on the next send), the API keys and every write, goes straight through.
 */
export function cachedReference(reference: ReferenceStore, now: () => Date, ttlMs = ReferenceCacheMs): ReferenceStore {
  const kept = new Map<string, { until: number; value: Promise<unknown> }>()
  const read = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const t = now().getTime()
    const hit = kept.get(key)
    if (hit && hit.until > t) return hit.value as Promise<T>
    if (kept.size >= MaxEntries) kept.clear()
    const value = load()
    kept.set(key, { until: t + ttlMs, value })
    value.catch(() => {
      if (kept.get(key)?.value === value) kept.delete(key)
    })
    return value
  }
  const cached: Reads = {
    tariffFor: (plan, destination) => read(key('t', plan, destination), () => reference.tariffFor(plan, destination)),
    routeFor: (plan, destination) => read(key('r', plan, destination), () => reference.routeFor(plan, destination)),
    upstreamTariffFor: (upstreamId, destination) =>
      read(key('u', upstreamId, destination), () => reference.upstreamTariffFor(upstreamId, destination)),
    blacklistHits: (accountId, sender, recipient) =>
      read(key('b', accountId, sender, recipient), () => reference.blacklistHits(accountId, sender, recipient)),
    stopWords: (accountId) => read(key('s', accountId), () => reference.stopWords(accountId)),
  }
  return { ...reference, ...cached }
}

const key = (...parts: string[]) => JSON.stringify(parts)
