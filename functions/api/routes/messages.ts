import { z } from '@hono/zod-openapi'
import { SmppError } from '../../../lib/domain/errors'
import { type HttpMessage, httpSubmitJob } from '../../../lib/domain/http-submit'
import { takeHttpParts } from '../../../lib/domain/http-throttle'
import { awaitVerdict } from '../../../lib/domain/http-verdict'
import { Status, statusDescription, statusName } from '../../../lib/smpp/status'
import type { ApiApp, ApiDeps } from '../context'
import { ApiError } from '../errors'
import { httpMessageId } from '../message-id'
import { secured } from '../route'
import { AccountParam, json, jsonBody, Msisdn } from '../schemas'

const Octets = z.string().max(2_000).openapi({ description: 'hex or base64, as `encoding` says' })
const SendMessage = z
  .object({
    from: z
      .string()
      .regex(/^[\x20-\x7e]{1,20}$/, 'a sender of 1 to 20 printable ASCII characters')
      .openapi({ example: 'ACME' }),
    to: Msisdn,
    text: z.string().min(1).max(1_600).optional().openapi({ description: 'the platform picks GSM 7-bit or UCS2 and splits a long text' }),
    data: Octets.optional().openapi({ description: 'binary user data (instead of text)' }),
    udh: Octets.optional().openapi({ description: 'a user data header for `data`, its length octet first; sets UDHI' }),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    dataCoding: z.number().int().min(0).max(255).default(4).openapi({ description: 'data_coding of `data` (default 4, 8-bit binary)' }),
    receipt: z.boolean().default(true).openapi({ description: 'POST the delivery receipt to the account webhook' }),
  })
  .refine((m) => (m.text === undefined) !== (m.data === undefined), { message: 'exactly one of text and data', path: ['text'] })
  .refine((m) => m.udh === undefined || m.data !== undefined, { message: 'udh goes with data', path: ['udh'] })
  .openapi('SendMessage')

const Accepted = z.object({
  messageId: z.string(),
  status: z.literal(0),
  parts: z
    .number()
    .int()
    .openapi({ description: 'parts billed (issue 17: fewer when the upstream takes a UCS2 text in its shift tables)' }),
  dataCoding: z.number().int(),
  partsSaved: z.number().int().optional().openapi({ description: 'UCS2 parts minus the parts billed, when shift tables saved any' }),
})
const Refused = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'PLATFORM_INSUFFICIENT_FUNDS' }),
      message: z.string(),
      status: z.number().int().openapi({ description: 'the command_status an SMPP client would get', example: 0x0433 }),
      statusHex: z.string().openapi({ example: '0x0433' }),
      messageId: z.string().optional(),
    }),
  })
  .openapi('SendRefused')

const isHex = (s: string) => /^([0-9a-fA-F]{2})*$/.test(s)
const isBase64 = (s: string) => /^[A-Za-z0-9+/]*={0,2}$/.test(s)
const octets = (s: string, encoding: 'hex' | 'base64', field: string): Buffer => {
  if (!(encoding === 'hex' ? isHex(s) : isBase64(s))) throw new ApiError(400, 'invalid_request', `${field}: not ${encoding}`)
  return Buffer.from(s, encoding)
}

const refused = (status: number, message: string, messageId?: string) => ({
  error: {
    code: statusName(status),
    message,
    status,
    statusHex: `0x${status.toString(16).padStart(4, '0')}`,
    ...(messageId ? { messageId } : {}),
  },
})

/** POST a message: the same SubmitJob, submit Lambda, prices and platform codes as submit_sm (docs/API.md "Sending over HTTP"). */
export function registerMessages(app: ApiApp, deps: ApiDeps) {
  app.openapi(
    secured(deps, ['admin', 'own'], {
      method: 'post',
      path: '/accounts/{id}/messages',
      tags: ['messages'],
      summary: 'Send a message; the answer is its verdict, as submit_sm_resp would carry it',
      request: { params: AccountParam, body: jsonBody(SendMessage) },
      responses: {
        201: json(Accepted, 'accepted and charged: the message is on its way'),
        422: json(Refused, 'refused by a rule, with the SMPP command_status (0x0400-0x045A)'),
        429: json(Refused, "over the account's speed or a minute/hour/day window (0x58 ESME_RTHROTTLED): nothing queued"),
        503: json(Refused, 'no verdict in time (0x0402): not charged and not sent; retry is safe'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const b = c.req.valid('json')
      const { queues, submitQueueUrl } = deps
      if (!queues || !submitQueueUrl) throw new ApiError(503, 'unavailable', 'the submit queue is not configured')
      const message: HttpMessage =
        b.text !== undefined
          ? { from: b.from, to: b.to, text: b.text, receipt: b.receipt }
          : {
              from: b.from,
              to: b.to,
              receipt: b.receipt,
              data: octets(b.data!, b.encoding, 'data'),
              udh: b.udh === undefined ? undefined : octets(b.udh, b.encoding, 'udh'),
              dataCoding: b.dataCoding,
            }
      const now = deps.now()
      const messageId = httpMessageId(now.getTime())
      const deadline = now.getTime() + (deps.verdictDeadlineMs ?? 5_000)
      let job: ReturnType<typeof httpSubmitJob>
      try {
        job = httpSubmitJob(message, { messageId, accountId: id, now, deadline })
      } catch (err) {
        // The checks a node makes before queueing (0x0400, 0x0401): answered at once, nothing recorded.
        if (err instanceof SmppError) return c.json(refused(err.status, err.message), 422)
        throw err
      }
      // Issue 17: the same speed and windows as SMPP, counted in the parts the node would count (http-throttle.ts).
      const account = await deps.stores.accounts.get(id)
      if (account?.enabled && !(await takeHttpParts(deps.stores, account, job.parts, now.getTime())))
        return c.json(refused(Status.Throttled, statusDescription(Status.Throttled)), 429)
      await queues.send(submitQueueUrl, job)
      const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
      const status = await awaitVerdict({ stores: deps.stores, now: deps.now, sleep }, messageId, deadline, deps.retentionDays ?? 30)
      if (status === Status.Ok) {
        // The parts billed may be fewer than the submitted text's (shift tables towards the upstream): the record says.
        const billed = await deps.stores.messages.get(messageId)
        const saved = billed?.partsSaved ? { partsSaved: billed.partsSaved } : {}
        return c.json({ messageId, status: 0 as const, parts: billed?.parts ?? job.parts, dataCoding: job.dataCoding, ...saved }, 201)
      }
      const body = refused(status, statusDescription(status), messageId)
      return status === Status.NotRegistered ? c.json(body, 503) : c.json(body, 422)
    },
  )
}
