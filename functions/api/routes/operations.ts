import { z } from '@hono/zod-openapi'
import type { UpstreamEvent } from '../../../lib/domain/jobs'
import { moTarget } from '../../../lib/domain/mo-routing'
import { hashKey, newKey } from '../auth'
import type { ApiApp, ApiDeps } from '../context'
import { ApiError, notFound } from '../errors'
import { secured } from '../route'
import { AccountId, AccountParam, ErrorSchema, json, jsonBody, NoContent } from '../schemas'

/** API keys, the caller's own identity, and the operator's views of the pipeline: pending deliveries, live sessions, the upstream webhook. */

const ApiKeyView = z.object({
  keyHash: z.string(),
  role: z.enum(['admin', 'finance', 'account', 'upstream']),
  accountId: z.string().optional(),
  upstreamId: z.string().optional(),
  name: z.string(),
  createdAt: z.string(),
})
const NewKey = z
  .object({
    role: z.enum(['admin', 'finance', 'account', 'upstream']),
    accountId: AccountId.optional(),
    upstreamId: z
      .string()
      .regex(/^[\w.-]{1,64}$/)
      .optional(),
    name: z.string().trim().min(1).max(100),
  })
  .refine((k) => (k.role === 'account') === (k.accountId !== undefined), {
    message: 'accountId is required for the account role, and only for it',
    path: ['accountId'],
  })
  .refine((k) => (k.role === 'upstream') === (k.upstreamId !== undefined), {
    message: 'upstreamId is required for the upstream role, and only for it',
    path: ['upstreamId'],
  })
  .openapi('NewApiKey')

const Iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 time')
const Base64 = z
  .string()
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64')
  .max(200_000)
const Octets = (n: 1 | 2) =>
  z
    .number()
    .int()
    .min(0)
    .max(2 ** (8 * n) - 1)
/** lib/domain/jobs.ts UpstreamEvent, minus upstreamId (the path names it). */
const EventBody = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('receipt'),
      messageId: z.string().max(64).optional(),
      upstreamMessageId: z.string().max(128).optional(),
      stat: z.enum(['DELIVRD', 'UNDELIV', 'EXPIRED', 'REJECTD', 'ENROUTE', 'ACCEPTD', 'UNKNOWN', 'DELETED']),
      err: z.number().int().min(0).max(999),
      doneAt: Iso,
      networkErrorCode: z
        .string()
        .regex(/^[0-9a-fA-F]{6}$/)
        .optional(),
    }),
    z.object({
      type: z.literal('mo'),
      sourceAddr: z.string().min(1).max(20),
      destinationAddr: z.string().min(1).max(20),
      dataCoding: z.number().int().min(0).max(255),
      shortMessage: Base64, // UDH included when esmClass has UDHI (0x40); over 254 octets it reaches the ESME in message_payload
      esmClass: z.number().int().min(0).max(255).optional(), // 0x40: a concatenated part or a port-addressed MO
      sar: z.object({ ref: Octets(2), total: Octets(1).min(1), seq: Octets(1).min(1) }).optional(), // a part of a long MO (5.3.2.22-24)
      receivedAt: Iso,
    }),
  ])
  .refine((e) => e.type !== 'receipt' || e.messageId || e.upstreamMessageId, {
    message: 'a receipt names messageId or upstreamMessageId',
    path: ['messageId'],
  })
  .openapi('UpstreamEvent')

export function registerOperations(app: ApiApp, deps: ApiDeps) {
  const { reference, accounts } = deps.stores

  app.openapi(
    secured(deps, ['any'], {
      method: 'get',
      path: '/me',
      tags: ['keys'],
      summary: "The calling key's role and account",
      responses: { 200: json(z.object({ role: z.string(), accountId: z.string().optional(), name: z.string() }), 'the caller') },
    }),
    (c) => {
      const { role, accountId, name } = c.get('principal')
      return c.json({ role, name, ...(accountId ? { accountId } : {}) }, 200)
    },
  )

  app.openapi(
    secured(deps, ['admin'], {
      method: 'post',
      path: '/api-keys',
      tags: ['keys'],
      summary: 'Create an API key; the key itself is in this answer only',
      request: { body: jsonBody(NewKey) },
      responses: { 201: json(ApiKeyView.extend({ key: z.string() }), 'the key, shown once') },
    }),
    async (c) => {
      const b = c.req.valid('json')
      if (b.accountId && !(await accounts.get(b.accountId))) notFound(`account ${b.accountId}`)
      const key = newKey()
      const stored = {
        keyHash: hashKey(key),
        role: b.role,
        name: b.name,
        createdAt: deps.now().toISOString(),
        ...(b.accountId ? { accountId: b.accountId } : {}),
        ...(b.upstreamId ? { upstreamId: b.upstreamId } : {}),
      }
      await reference.putApiKey(stored)
      return c.json({ key, ...stored }, 201)
    },
  )
  app.openapi(
    secured(deps, ['admin'], {
      method: 'delete',
      path: '/api-keys/{keyHash}',
      tags: ['keys'],
      summary: 'Revoke an API key by its sha256',
      request: {
        params: z.object({
          keyHash: z
            .string()
            .regex(/^[0-9a-f]{64}$/)
            .openapi({ param: { name: 'keyHash', in: 'path' } }),
        }),
      },
      responses: { 204: NoContent },
    }),
    async (c) => {
      await reference.deleteApiKey(c.req.valid('param').keyHash)
      return c.body(null, 204)
    },
  )

  const Limit = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) })
  app.openapi(
    secured(deps, ['admin'], {
      method: 'get',
      path: '/accounts/{id}/pending',
      tags: ['operations'],
      summary: 'Receipts and MO waiting for a receiver session (oldest first, still valid, unclaimed)',
      request: { params: AccountParam, query: Limit },
      responses: { 200: json(z.object({ items: z.array(z.record(z.string(), z.unknown())) }), 'the first `limit` items') },
    }),
    async (c) => c.json({ items: await deps.stores.pending.list(c.req.valid('param').id, deps.now(), c.req.valid('query').limit) }, 200),
  )
  app.openapi(
    secured(deps, ['admin'], {
      method: 'get',
      path: '/accounts/{id}/sessions',
      tags: ['operations'],
      summary: 'Live SMPP sessions of the account, by node',
      request: { params: AccountParam },
      responses: { 200: json(z.object({ items: z.array(z.record(z.string(), z.unknown())) }), 'live binds') },
    }),
    async (c) => c.json({ items: await deps.stores.sessions.list(c.req.valid('param').id, Math.floor(deps.now().getTime() / 1000)) }, 200),
  )

  app.openapi(
    secured(deps, ['admin', 'carrier'], {
      method: 'post',
      path: '/webhooks/upstream/{upstreamId}',
      tags: ['operations'],
      summary: 'An upstream reports a receipt or an MO message; it is queued for the DLR function',
      request: {
        params: z.object({
          upstreamId: z
            .string()
            .regex(/^[\w.-]{1,64}$/)
            .openapi({ param: { name: 'upstreamId', in: 'path' } }),
        }),
        body: jsonBody(EventBody),
      },
      responses: {
        202: json(z.object({ queued: z.literal(true) }), 'queued'),
        403: json(ErrorSchema, 'an MO to a number this upstream does not serve (neither its route nor its MO entry names it)'),
        404: json(ErrorSchema, 'unknown upstream, or an MO to a number no account owns'),
        503: json(ErrorSchema, 'no receipts queue configured (code unavailable)'),
      },
    }),
    async (c) => {
      const { upstreamId } = c.req.valid('param')
      if (!deps.queues || !deps.receiptsQueueUrl) throw new ApiError(503, 'unavailable', 'the receipts queue is not configured')
      if (!(await reference.upstream(upstreamId))) notFound(`upstream ${upstreamId}`)
      const event = { ...c.req.valid('json'), upstreamId } as UpstreamEvent
      if (event.type === 'mo') {
        // Issue 13 leftover: an upstream injects MO only for the numbers it serves (lib/domain/mo-routing.ts).
        const target = await moTarget(deps.stores, upstreamId, event.destinationAddr)
        if ('refused' in target && target.refused === 'unknown-number') notFound(`MO number ${event.destinationAddr}`)
        if ('refused' in target) throw new ApiError(403, 'forbidden', `upstream ${upstreamId} does not serve ${event.destinationAddr}`)
      }
      await deps.queues.send(deps.receiptsQueueUrl, event)
      return c.json({ queued: true as const }, 202)
    },
  )
}
