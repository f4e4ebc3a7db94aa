import type { Page } from './accounts'

/**
 * A receipt or MO kept for an account's webhook (docs/API.md "Webhooks"): the JSON body posted, and what
 * happened to it. Kept until `validUntil` (the pending validity), so the API can list and replay it.
 */
export interface WebhookEvent {
  accountId: string
  /** Derived from the delivery's guard key: the same receipt, however often the pipeline retries, is one event. */
  eventId: string
  type: 'receipt' | 'mo'
  body: Record<string, unknown>
  createdAt: string
  validUntil: string
  attempts: number
  lastAttemptAt?: string
  /** HTTP status of the last attempt; 0 when no answer came (timeout, refused connection). */
  lastStatus?: number
  /** The first 2xx; later replays leave it as it was. */
  deliveredAt?: string
}

export interface WebhookAttempt {
  at: string
  status: number
  delivered: boolean
}

export interface WebhookStore {
  /** Conditional: false when an event of that id exists (a retried receipt stores nothing twice). */
  put(event: WebhookEvent): Promise<boolean>
  get(accountId: string, eventId: string): Promise<WebhookEvent | undefined>
  /** Events still valid at `now`, in eventId order. */
  list(accountId: string, now: Date, limit: number, cursor?: string): Promise<Page<WebhookEvent>>
  /** Counts the attempt; the first delivered one sets deliveredAt. */
  recordAttempt(accountId: string, eventId: string, attempt: WebhookAttempt): Promise<void>
  /**
   * One part of a long MO (concatenation `key`), kept until `validUntil`: atomic per part, so of the writes for one
   * message the one that completes it (and any later copy) gets every part's payload in order; otherwise undefined.
   */
  addPart(accountId: string, part: MoPart): Promise<string[] | undefined>
}

export interface MoPart {
  key: string
  seq: number // 1-based
  total: number
  payload: string // base64, the part's user data without its UDH
  validUntil: string
}

/** Part collectors share the table with events under this eventId prefix; lists skip them. */
export const PartPrefix = 'part#'
