import type { WebhookEvent, WebhookStore } from '../../ports'
import { copy, pageOf, partition } from './state'

/** WebhookStore in memory: one map per account, keyed by eventId like the table's sort key. */
export function memoryWebhooks(): WebhookStore {
  const events = new Map<string, Map<string, WebhookEvent>>()
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
  }
}
