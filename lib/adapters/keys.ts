export { decodeCursor, encodeCursor, InvalidCursor } from '../ports/cursor'

/**
 * Key builders shared by the DynamoDB adapters and the memory adapters, so both lay data
 * out the same way (lib/resources.ts documents each key and its access pattern). No SDK import here.
 */

export const Pk = {
  tariff: (plan: string) => `TARIFF#${plan}`,
  route: (plan: string) => `ROUTE#${plan}`,
  upstream: 'UPSTREAM',
  upstreamTariff: (upstreamId: string) => `UPTARIFF#${upstreamId}`,
  blacklist: (owner: string) => `BLACKLIST#${owner}`,
  stopWords: (owner: string) => `STOPWORDS#${owner}`,
  number: 'NUMBER',
  apiKey: 'APIKEY',
  // guards table
  refund: (messageId: string) => `REFUND#${messageId}`,
  credit: (entryId: string) => `CREDIT#${entryId}`,
} as const

export const Sk = {
  prefix: (prefix: string) => `P#${prefix}`,
  ledger: (at: string, entryId: string) => `${at}#${entryId}`,
  usage: (day: string, prefix: string, status: string) => `${day}#${prefix}#${status}`,
  pending: (createdAt: string, deliveryId: string) => `${createdAt}#${deliveryId}`,
  session: (nodeId: string, sessionId: string) => `${nodeId}#${sessionId}`,
  compat: (boundAt: string, nodeId: string, sessionId: string) => `${boundAt}#${nodeId}#${sessionId}`,
} as const

/** The reference table's item whose number every rule write raises (ReferenceStore.rulesVersion). */
export const RulesVersion = { pk: 'VERSION', sk: 'rules' } as const

/**
 * Upper bound for a BETWEEN over `<time or day>#...` sort keys: '~' sorts after every character used
 * in ISO times, days and '#', so `to` is inclusive whether it is a day or a full ISO time.
 */
export const upTo = (to: string) => `${to}~`

/** Destination address digits, then every prefix of them from '' (the catch-all) to the whole number. */
export function prefixesOf(destination: string): string[] {
  // SMPP 3.4 5.2.9: destination_addr is at most 20 characters (21 with the NUL); bound it anyway.
  const digits = destination.replace(/\D/g, '').slice(0, 24)
  return Array.from({ length: digits.length + 1 }, (_, i) => digits.slice(0, i))
}

/** The longest prefix of `prefixes` that `has` an item, or undefined. */
export function longest<T>(prefixes: readonly string[], get: (prefix: string) => T | undefined): T | undefined {
  for (let i = prefixes.length - 1; i >= 0; i--) {
    const hit = get(prefixes[i])
    if (hit !== undefined) return hit
  }
  return undefined
}

export const Day = 86_400

/** A blacklist entry blocks the sender, the recipient or both, as its scope says. */
export const blacklistMatches = (e: { number: string; scope: string }, sender: string, recipient: string) =>
  (e.number === sender && e.scope !== 'recipient') || (e.number === recipient && e.scope !== 'sender')
