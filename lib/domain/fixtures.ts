/**
 * Test fixtures for the pipeline's domain tests (pure, with memoryStores) and its integration tests
 * (the same seeds through the DynamoDB adapters). Not imported by runtime code.
 */
import { type Config, EnvKeys, loadConfig } from '../config'
import type { Connector, Log, QueueConsumer, QueueSender, Stores } from '../ports'
import { type QueueName, Queues, type TableName, Tables } from '../resources'
import { Status } from '../smpp/status'
import type { Deps } from './deps'
import { SmppError } from './errors'
import type { CallbackMessage, DispatchJob, SubmitJob, VerdictMessage } from './jobs'
import type { Account, Upstream } from './model'

export const DispatchQueue = 'queue://dispatch'
export const ReplyTo = 'queue://callback-node-1'

export function testConfig(overrides: Record<string, string> = {}): Config {
  const env: Record<string, string> = { NODE_ID: 'test' }
  for (const t of Object.keys(Tables)) env[EnvKeys.table(t as TableName)] = t
  for (const q of Object.keys(Queues)) env[EnvKeys.queue(q as QueueName)] = `queue://${q}`
  return loadConfig('stack', { ...env, ...overrides })
}

/** A QueueSender that keeps what was sent, per queue URL. */
export function recordingQueue(): QueueSender & { sent: { queueUrl: string; body: unknown }[]; bodies<T>(queueUrl: string): T[] } {
  const sent: { queueUrl: string; body: unknown }[] = []
  return {
    sent,
    async send(queueUrl, body) {
      sent.push({ queueUrl, body: structuredClone(body) })
    },
    async sendBatch(queueUrl, bodies) {
      for (const body of bodies) sent.push({ queueUrl, body: structuredClone(body) })
    },
    bodies: <T>(queueUrl: string) => sent.filter((s) => s.queueUrl === queueUrl).map((s) => s.body as T),
  }
}

/** Every verdict in callback bodies, in order, whether it travelled alone or in a bundle (issue 16), as a VerdictMessage. */
export const verdictsIn = (bodies: unknown[]): VerdictMessage[] =>
  (bodies as CallbackMessage[]).flatMap((b) =>
    b.type === 'verdicts' ? b.verdicts.map((v) => ({ type: 'verdict' as const, ...v })) : b.type === 'verdict' ? [b] : [],
  )

/** Connectors by upstream id: 'ok' answers `<upstreamId>-<n>`, 'fail' throws; every call is recorded. */
export function scriptedConnector(
  outcomes: Record<string, 'ok' | 'fail'>,
): Connector & { calls: { upstreamId: string; messageId: string }[] } {
  const calls: { upstreamId: string; messageId: string }[] = []
  return {
    calls,
    async send(upstream: Upstream, job: DispatchJob) {
      calls.push({ upstreamId: upstream.upstreamId, messageId: job.messageId })
      if (outcomes[upstream.upstreamId] !== 'ok') throw new Error(`${upstream.upstreamId} refused the connection`)
      return { upstreamMessageId: `${upstream.upstreamId}-${calls.length}` }
    },
  }
}

export function memoryLog(): Log & { lines: { level: string; msg: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = []
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields })
  return { lines, info: at('info'), warn: at('warn'), error: at('error') }
}

export interface TestDeps extends Deps {
  queue: ReturnType<typeof recordingQueue>
  sleeps: number[]
  logs: ReturnType<typeof memoryLog>
}

export function testDeps(stores: Stores, opts: { now: () => Date; connector?: Connector; cfg?: Config }): TestDeps {
  const queue = recordingQueue()
  const sleeps: number[] = []
  const logs = memoryLog()
  const connector = opts.connector ?? scriptedConnector({})
  return {
    stores,
    queues: queue,
    connectorFor: () => connector,
    now: opts.now,
    sleep: async (ms) => void sleeps.push(ms),
    log: logs,
    cfg: opts.cfg ?? testConfig(),
    queue,
    sleeps,
    logs,
  }
}

export const T0 = new Date('2025-03-01T12:00:00.000Z')

export function account(overrides: Partial<Account> = {}): Account {
  return {
    accountId: 'acme',
    passwordHash: 'x',
    enabled: true,
    currency: 'EUR',
    balance: 1_000,
    creditLimit: 0,
    speed: 100,
    sessionLimit: 5,
    allowList: [],
    duplicateWindowSec: 60,
    refusalMode: 'sync',
    tariffPlan: 'acme',
    refundOnFailure: true,
    createdAt: T0.toISOString(),
    ...overrides,
  }
}

/**
 * The reference data every pipeline test starts from: plan 'acme' prices 44 at 5 and 447 at 7 (longest
 * prefix wins), routes 44 to up-a then up-b; 33 has a tariff but no route; 49 has a route to up-c,
 * which has no tariff; 1 is not priced at all.
 */
export async function seed(stores: Stores, acct: Account = account(), upstreamUrl = 'http://127.0.0.1:9/none'): Promise<Account> {
  const r = stores.reference
  await stores.accounts.create(acct)
  for (const [prefix, price] of [
    ['44', 5],
    ['447', 7],
    ['33', 3],
    ['49', 4],
  ] as const)
    await r.putTariff({ plan: acct.tariffPlan, prefix, price, currency: 'EUR', country: `C${prefix}` })
  await r.putRoute({
    plan: acct.tariffPlan,
    prefix: '44',
    upstreams: [
      { upstreamId: 'up-b', priority: 2 },
      { upstreamId: 'up-a', priority: 1 },
    ],
  })
  await r.putRoute({ plan: acct.tariffPlan, prefix: '49', upstreams: [{ upstreamId: 'up-c', priority: 1 }] })
  for (const id of ['up-a', 'up-b', 'up-c']) await r.putUpstream({ upstreamId: id, kind: 'http', url: upstreamUrl, timeoutMs: 500 })
  for (const id of ['up-a', 'up-b']) await r.putUpstreamTariff({ upstreamId: id, prefix: '4', cost: 2, currency: 'EUR' })
  return acct
}

let seq = 0
export function submitJob(overrides: Partial<SubmitJob> = {}): SubmitJob {
  seq += 1
  return {
    v: 1,
    messageId: `m${seq.toString().padStart(6, '0')}`,
    accountId: 'acme',
    nodeId: 'node-1',
    replyTo: ReplyTo,
    receivedAt: T0.toISOString(),
    deadline: T0.getTime() + 5_000,
    async: false,
    command: 'submit_sm',
    serviceType: '',
    sourceAddr: '15550001',
    sourceAddrTon: 1,
    sourceAddrNpi: 1,
    destinations: [{ addr: '447700900001', ton: 1, npi: 1 }],
    esmClass: 0,
    protocolId: 0,
    priorityFlag: 0,
    registeredDelivery: 1,
    dataCoding: 0,
    validityPeriod: '',
    scheduleDeliveryTime: '',
    shortMessage: Buffer.from('Hello world').toString('base64'),
    text: 'Hello world',
    parts: 1,
    ...overrides,
  }
}

/** Receive and delete until `count` verdicts came, alone or in bundles (issue 16), or `timeoutMs` passed; each a VerdictMessage. */
export async function drainVerdicts(
  consumer: QueueConsumer,
  queueUrl: string,
  count: number,
  timeoutMs = 3_000,
): Promise<VerdictMessage[]> {
  const got: VerdictMessage[] = []
  const until = Date.now() + timeoutMs
  while (got.length < count && Date.now() < until) {
    got.push(...verdictsIn(await drain(consumer, queueUrl, 1, Math.max(0, until - Date.now()))))
  }
  return got
}

/** Receive and delete until `count` messages came or `timeoutMs` passed (bounded); bodies parsed. */
export async function drain<T>(consumer: QueueConsumer, queueUrl: string, count: number, timeoutMs = 3_000): Promise<T[]> {
  const got: T[] = []
  const until = Date.now() + timeoutMs
  while (got.length < count && Date.now() < until) {
    for (const m of await consumer.receive(queueUrl, 10, 0)) {
      got.push(JSON.parse(m.body) as T)
      await consumer.delete(queueUrl, m.receiptHandle)
    }
    if (got.length < count) await new Promise((r) => setTimeout(r, 50))
  }
  return got
}

/** An SQS event as Lambda delivers it, one record per body; ids r0, r1, ... unless given. */
export const sqsEvent = (...bodies: (unknown | { id: string; raw: string })[]) => ({
  Records: bodies.map((b, i) =>
    typeof b === 'object' && b !== null && 'raw' in b && 'id' in b
      ? { messageId: String(b.id), body: String(b.raw) }
      : { messageId: `r${i}`, body: JSON.stringify(b) },
  ),
})

/** The command_status a rule throws (0 when it throws nothing); anything but an SmppError propagates. */
export function statusThrown(f: () => unknown): number {
  try {
    f()
  } catch (err) {
    if (err instanceof SmppError) return err.status
    throw err
  }
  return Status.Ok
}
