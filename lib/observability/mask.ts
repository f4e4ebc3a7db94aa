/**
 * What a log line must not carry: secrets are dropped, and phone numbers (fields named like an address or a
 * number) are masked to their first 3 and last 2 digits, so no log line identifies a handset. Shared by the
 * Lambdas' Powertools Logger (a JSON replacer) and kept in step with the node's own logger (smpp-node/log.ts).
 */
const Secret = /pass|secret|token|credential|apikey|api_key/i
const PhoneField = /addr$|addr[A-Z_]|msisdn|number|destination|source|recipient|sender/i

export const maskNumber = (value: string): string =>
  value.length <= 5 ? '*'.repeat(value.length) : value.slice(0, 3) + '*'.repeat(value.length - 5) + value.slice(-2)

/** A JSON.stringify replacer: `undefined` drops the key. */
export function maskingReplacer(key: string, value: unknown): unknown {
  if (key === '') return value
  if (Secret.test(key) && typeof value !== 'object') return undefined
  if (typeof value === 'string' && PhoneField.test(key)) return maskNumber(value)
  return value
}
