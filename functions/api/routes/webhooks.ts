import { randomBytes } from 'node:crypto'
import { z } from '@hono/zod-openapi'
import type { WebhookJob } from '../../../lib/domain/webhook-event'
import type { ApiApp, ApiDeps } from '../context'
import { scopedPage, storeCursor } from '../cursor'
import { ApiError, notFound } from '../errors'
import { secured } from '../route'
import { AccountParam, json, jsonBody, NoContent, PageQuery, pageOf } from '../schemas'

/** The account's webhook: where its receipts and MO are POSTed, signed (docs/API.md "Webhooks"), and the events kept for replay. */

const WebhookUrl = z
  .string()
  .max(2_000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'an http or https URL')
  .openapi({ example: 'https://example.com/sms/events' })
const WebhookSettings = z.object({ url: WebhookUrl }).openapi('WebhookSettings')
const WebhookView = z.object({
  url: z.string().optional(),
  secret: z.string().optional().openapi({ description: 'HMAC-SHA256 key of x-webhook-signature; in the PUT answer only' }),
})
const EventView = z
  .object({
    eventId: z.string(),
    type: z.enum(['receipt', 'mo']),
    body: z.record(z.string(), z.unknown()).openapi({ description: 'the JSON that is POSTed' }),
    createdAt: z.string(),
    validUntil: z.string(),
    attempts: z.number().int(),
    lastAttemptAt: z.string().optional(),
    lastStatus: z.number().int().optional().openapi({ description: 'HTTP status of the last attempt; 0: no answer' }),
    deliveredAt: z.string().optional(),
  })
  .openapi('WebhookEvent')
const EventParam = AccountParam.extend({
  eventId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .openapi({ param: { name: 'eventId', in: 'path' } }),
})

export function registerWebhooks(app: ApiApp, deps: ApiDeps) {
  const { accounts, webhooks } = deps.stores
  const tags = ['webhooks']

  app.openapi(
    secured(deps, ['admin'], {
      method: 'put',
      path: '/accounts/{id}/webhook',
      tags,
      summary: "Set the account's webhook URL; draws a new signing secret, shown in this answer only",
      request: { params: AccountParam, body: jsonBody(WebhookSettings) },
      responses: { 200: json(WebhookView, 'the URL and its secret') },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const webhookSecret = `whsec_${randomBytes(24).toString('base64url')}`
      const { url } = c.req.valid('json')
      if (!(await accounts.update(id, { webhookUrl: url, webhookSecret }))) notFound(`account ${id}`)
      return c.json({ url, secret: webhookSecret }, 200)
    },
  )
  app.openapi(
    secured(deps, ['admin', 'own'], {
      method: 'get',
      path: '/accounts/{id}/webhook',
      tags,
      summary: "The account's webhook URL (never its secret)",
      request: { params: AccountParam },
      responses: { 200: json(WebhookView, 'no url: receipts and MO go to SMPP receiver sessions') },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const a = (await accounts.get(id)) ?? notFound(`account ${id}`)
      return c.json(a.webhookUrl ? { url: a.webhookUrl } : {}, 200)
    },
  )
  app.openapi(
    secured(deps, ['admin'], {
      method: 'delete',
      path: '/accounts/{id}/webhook',
      tags,
      summary: 'Remove the webhook: receipts and MO go to SMPP receiver sessions again',
      request: { params: AccountParam },
      responses: { 204: NoContent },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      // The accounts store sets fields and never removes one: an empty URL means none (lib/domain/deliver.ts).
      if (!(await accounts.update(id, { webhookUrl: '', webhookSecret: '' }))) notFound(`account ${id}`)
      return c.body(null, 204)
    },
  )

  app.openapi(
    secured(deps, ['admin', 'own'], {
      method: 'get',
      path: '/accounts/{id}/webhook/events',
      tags,
      summary: 'Receipts and MO kept for the webhook (still valid), with their attempts and delivery',
      request: { params: AccountParam, query: PageQuery },
      responses: { 200: json(pageOf(EventView), 'one page, in eventId order') },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const q = c.req.valid('query')
      const scope = `webhook-events:${id}`
      const page = await webhooks.list(id, deps.now(), q.limit, storeCursor(scope, q.cursor))
      return c.json(scopedPage(scope, page), 200)
    },
  )
  app.openapi(
    secured(deps, ['admin', 'own'], {
      method: 'post',
      path: '/accounts/{id}/webhook/events/{eventId}/replay',
      tags,
      summary: 'POST a kept event to the webhook again (same id and body, a fresh signature)',
      request: { params: EventParam },
      responses: {
        202: json(z.object({ queued: z.literal(true) }), 'queued'),
        503: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), 'no webhook queue configured'),
      },
    }),
    async (c) => {
      const { id, eventId } = c.req.valid('param')
      if (!deps.queues || !deps.webhookQueueUrl) throw new ApiError(503, 'unavailable', 'the webhook queue is not configured')
      const event = await webhooks.get(id, eventId)
      if (!event || Date.parse(event.validUntil) <= deps.now().getTime()) notFound(`webhook event ${eventId}`)
      const job: WebhookJob = { v: 1, accountId: id, eventId, replay: true }
      await deps.queues.send(deps.webhookQueueUrl, job)
      return c.json({ queued: true as const }, 202)
    },
  )
}
