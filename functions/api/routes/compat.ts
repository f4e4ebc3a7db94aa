import { z } from '@hono/zod-openapi'
import { compatReport } from '../../../lib/domain/compat-report'
import type { ApiApp, ApiDeps } from '../context'
import { notFound } from '../errors'
import { secured } from '../route'
import { AccountParam, json } from '../schemas'

const Level = z.enum(['pass', 'warn', 'fail'])
const Finding = z
  .object({
    check: z.string(),
    level: Level,
    rule: z.string().openapi({ description: 'the SMPP 3.4 section or platform limit behind the judgement' }),
    detail: z.string(),
  })
  .openapi('CompatFinding')
const Bind = z.object({
  mode: z.enum(['transmitter', 'receiver', 'transceiver']),
  interfaceVersion: z.number().int(),
  systemType: z.string(),
  addrTon: z.number().int(),
  addrNpi: z.number().int(),
})
const Counts = z.record(z.string(), z.number().int())
const Session = z
  .object({
    sessionId: z.string(),
    nodeId: z.string(),
    remoteAddress: z.string(),
    boundAt: z.string(),
    lastAt: z.string().openapi({ description: "the node's last flush of this session" }),
    endedAt: z.string().optional(),
    end: z.enum(['unbind', 'drop', 'timeout', 'server']).optional(),
    bind: Bind,
    verdict: Level,
    findings: z.array(Finding),
    figures: z.object({
      submits: z.number().int(),
      accepted: z.number().int(),
      throttled: z.number().int(),
      windowUsed: z.number().int(),
      peakPerSec: z.number().int(),
      deliverSmResp: z.object({
        count: z.number().int(),
        p50Ms: z.number().optional(),
        p99Ms: z.number().optional(),
        maxMs: z.number(),
        failed: z.number().int(),
        timeouts: z.number().int(),
      }),
      genericNacks: z.object({ fromEsme: z.number().int(), toEsme: z.number().int() }),
      dataCodings: Counts,
      registeredDelivery: Counts,
      long: z.object({ udh: z.number().int(), sar: z.number().int(), messagePayload: z.number().int() }),
    }),
  })
  .openapi('CompatSession')
const Report = z
  .object({
    accountId: z.string(),
    sandbox: z.boolean(),
    speed: z.number().int().openapi({ description: 'the account speed, parts per second' }),
    verdict: Level,
    findings: z.array(Finding).openapi({ description: 'the sessions judged together' }),
    sessions: z.array(Session),
    timeline: z
      .array(z.object({ t: z.number().int(), submitted: z.number().int(), accepted: z.number().int(), throttled: z.number().int() }))
      .openapi({ description: 'per second (epoch seconds): the speed test, accepted and throttled against `speed`' }),
  })
  .openapi('CompatReport')

/** Issue 19: how the account's ESME behaves, from what the nodes observed (docs/ONBOARDING.md). */
export function registerCompat(app: ApiApp, deps: ApiDeps) {
  app.openapi(
    secured(deps, ['admin', 'finance', 'own'], {
      method: 'get',
      path: '/accounts/{id}/compat',
      tags: ['onboarding'],
      summary: 'ESME compatibility report: binds, window, speed, deliver_sm_resp latency, nacks, encodings, each finding pass/warn/fail',
      description: "from the account's most recent sessions as the nodes observed them (written every COMPAT_FLUSH_MS, 10 s by default)",
      request: { params: AccountParam, query: z.object({ sessions: z.coerce.number().int().min(1).max(100).default(20) }) },
      responses: { 200: json(Report, 'the report') },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const account = (await deps.stores.accounts.get(id)) ?? notFound(`account ${id}`)
      const sessions = await deps.stores.compat.recentSessions(id, c.req.valid('query').sessions)
      return c.json(compatReport(account, sessions), 200)
    },
  )
}
