import { PartPrefix, type WebhookEvent, type WebhookStore } from '../../ports'
import { copy, pageOf, partition } from './state'

/** WebhookStore in memory: one map per account, keyed by eventId like the table's sort key. */
export function memoryWebhooks(): WebhookStore {
  const events = new Map<string, Map<string, WebhookEvent>>()
  const parts = new Map<string, Map<number, string>>() // `<accountId>|part#<key>` -> seq -> payload
  return {
    async put(event) {
      const items = partition(events, event.accountId)
      if (items.has(event.eventId)) return false
      items.set(event.eventId, copy(event))
      return true
    },
    async get(accountId, eventId) {
      const e = events.get(accountId)?.get(eventId)
      return e && copy(e)
    },
    async list(accountId, now, limit, cursor) {
      const items = events.get(accountId)
      return pageOf(items, limit, cursor, (k) => Date.parse(items!.get(k)!.validUntil) > now.getTime())
    },
    async recordAttempt(accountId, eventId, attempt) {
      const e = events.get(accountId)?.get(eventId)
      if (!e) return
      e.attempts += 1
      e.lastAttemptAt = attempt.at
      e.lastStatus = attempt.status
      if (attempt.delivered) e.deliveredAt ??= attempt.at
    },
    async addPart(accountId, part) {
      const key = `${accountId}|${PartPrefix}${part.key}`
      const got = parts.get(key) ?? new Map<number, string>()
      parts.set(key, got)
      got.set(part.seq, part.payload)
      const all = Array.from({ length: part.total }, (_, i) => got.get(i + 1))
      return all.every((p) => p !== undefined) ? (all as string[]) : undefined
    },
  }
}
