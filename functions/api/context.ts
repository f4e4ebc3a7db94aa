import type { OpenAPIHono } from '@hono/zod-openapi'
import type { ApiRole } from '../../lib/domain/model'
import type { Log, QueueSender, Stores } from '../../lib/ports'

/**
 * What the API needs, and no more: `buildDeps(cfg)` (functions/wiring.ts) satisfies it structurally, and
 * tests pass `{ stores: memoryStores(), now, log }`. The webhook needs a sender and the receipts queue;
 * without them it answers 503.
 */
export interface ApiDeps {
  stores: Stores
  now: () => Date
  log: Log
  queues?: QueueSender
  receiptsQueueUrl?: string
  /** HTTP send (routes/messages.ts): SubmitJobs go here; without it the route answers 503. */
  submitQueueUrl?: string
  /** Webhook replays go back on this queue (routes/webhooks.ts). */
  webhookQueueUrl?: string
  /** How long HTTP send waits for its verdict before recording 0x0402 (the node's VERDICT_DEADLINE_MS). */
  verdictDeadlineMs?: number
  /** Days a decision record lives (Config.retentionDays). */
  retentionDays?: number
  sleep?: (ms: number) => Promise<void>
  /**
   * HMAC key of cursors that carry state the caller must not alter (the ledger's running balance). Every
   * instance of the API must share it (API_CURSOR_SECRET); without it createApi draws one per process.
   */
  cursorKey?: string
}

/** The caller, resolved from the bearer key by `authorize` (auth.ts). */
export interface Principal {
  role: ApiRole
  accountId?: string
  name: string
  keyHash: string
}

export type ApiEnv = { Variables: { principal: Principal } }
export type ApiApp = OpenAPIHono<ApiEnv>
