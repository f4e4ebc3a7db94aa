import type { ReferenceStore } from '../lib/ports'

/**
 * How long the submit function may keep what it read of the operator's price, route and content rules, across
 * invocations (issue 12: every batch read them again, 0.6 of the 4.4 DynamoDB requests per message in
 * bench/cpu-per-message.ts). A backstop only: each invocation first reads the rules' version (`sync`), and a change
 * drops everything kept, so an operator's change that the API has answered applies to every batch that starts after
 * it (docs/PIPELINE.md "Reference rows").
 */
export const ReferenceCacheMs = 30_000

/** Bounds the memory of a container that sees many destinations: past it, the entries start over. */
const MaxEntries = 10_000

type Reads = Pick<ReferenceStore, 'tariffFor' | 'routeFor' | 'upstreamTariffFor' | 'blacklistHits' | 'stopWords'>

export type CachedReference = ReferenceStore & {
  /**
   * At the start of an invocation: reads the rules' version (one consistent GetItem) and drops what was kept if it
   * moved. Not awaited by the caller: the kept reads wait for it, the batch's other first reads run beside it.
   */
  sync(): void
}

/**
 * The reference store with those five reads kept per key (an absent row too: "no tariff" is an answer) while the
 * rules' version stays the same, for `ttlMs` at most. A failed read is not kept, and a failed version read keeps
 * nothing. Everything else, the upstream rows among them (dispatch reads them once per batch, and a changed secret
 * must take effect on the next send), the API keys and every write, goes straight through.
 */
export function cachedReference(reference: ReferenceStore, now: () => Date, ttlMs = ReferenceCacheMs): CachedReference {
  const kept = new Map<string, { until: number; value: Promise<unknown> }>()
  let version: number | undefined
  let synced: Promise<void> = Promise.resolve()
  const sync = () => {
    synced = reference.rulesVersion().then(
      (v) => {
        if (v !== version) kept.clear()
        version = v
      },
      () => {
        kept.clear()
        version = undefined
      },
    )
  }
  const read = async <T>(key: string, load: () => Promise<T>): Promise<T> => {
    await synced
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
  return { ...reference, ...cached, sync }
}

const key = (...parts: string[]) => JSON.stringify(parts)
