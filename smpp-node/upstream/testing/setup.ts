import type { SQSClient } from '@aws-sdk/client-sqs'
import { envSecrets } from '../../../lib/adapters/http/secrets'
import { memoryStores } from '../../../lib/adapters/memory'
import { sqsQueues } from '../../../lib/adapters/sqs'
import { smppQueueConnector } from '../../../lib/adapters/sqs/upstream-connector'
import { memoryLog, seed, submitJob, T0, type TestDeps, testConfig, testDeps } from '../../../lib/domain/fixtures'
import type { DispatchJob, UpstreamEvent } from '../../../lib/domain/jobs'
import type { Upstream } from '../../../lib/domain/model'
import { parseUpstreamEvent } from '../../../lib/domain/parse'
import { submitMessage } from '../../../lib/domain/submit'
import type { SmppSettingsInput } from '../../../lib/domain/upstream-smpp'
import type { Stores } from '../../../lib/ports'
import { tempQueue } from '../../../test/local-services'
import { systemClock } from '../../session/clock'
import { startUpstreamPool, type UpstreamPool, type UpstreamPoolOptions } from '../pool'
import type { Carrier } from './carrier'

export const Password = 'secret-a'

/** One pool against one carrier: memory stores seeded by the pipeline's own submit, real SQS queues of its own. */
export interface World {
  stores: Stores
  pipeline: TestDeps
  queues: ReturnType<typeof sqsQueues>
  urls: { upstream: string; dispatch: string; receipts: string }
  log: ReturnType<typeof memoryLog>
  pool?: UpstreamPool
  upstream: Upstream
}

export async function world(sqs: SQSClient, carrier: Carrier, smpp: Partial<SmppSettingsInput> = {}): Promise<World> {
  const [upstream, dispatch, receipts] = await Promise.all(
    [0, 1, 2].map(() => tempQueue(sqs, { visibilityTimeoutSec: 30, maxReceiveCount: 5 })),
  )
  const urls = { upstream: upstream.url, dispatch: dispatch.url, receipts: receipts.url }
  const stores = memoryStores()
  const cfg = testConfig({ QUEUE_DISPATCH_URL: urls.dispatch, QUEUE_RECEIPTS_URL: urls.receipts, QUEUE_UPSTREAM_URL: urls.upstream })
  const pipeline = testDeps(stores, { now: () => T0, cfg })
  await seed(stores)
  const up: Upstream = {
    upstreamId: 'carrier-a',
    kind: 'smpp',
    secretRef: 'carrier-a',
    timeoutMs: 2_000,
    smpp: {
      host: '127.0.0.1',
      port: carrier.port,
      systemId: 'platform',
      window: 5,
      reconnect: { initialMs: 50, maxMs: 400 },
      retry: { initialMs: 20, maxMs: 100, max: 5 },
      failoverAfterMs: 1_500,
      enquireLinkIntervalMs: 5_000,
      ...smpp,
    },
  }
  await stores.reference.putUpstream(up)
  return { stores, pipeline, queues: sqsQueues(sqs), urls, log: memoryLog(), upstream: up }
}

export async function startPool(w: World, options: Partial<UpstreamPoolOptions> = {}): Promise<UpstreamPool> {
  w.pool = await startUpstreamPool({
    stores: w.stores,
    queues: w.queues,
    secrets: envSecrets({ SECRET_CARRIER_A: Password }),
    queueUrls: w.urls,
    clock: systemClock,
    log: w.log,
    random: () => 0.5,
    options: { receiveWaitSec: 1, visibilitySec: 30, jobTimeoutMs: 20_000, drainMs: 2_000, ...options },
  })
  return w.pool
}

let n = 0
/** Messages accepted and charged by the pipeline's submit, then queued for the pool by the smpp connector. */
export async function accept(w: World, count: number, overrides: Partial<DispatchJob> = {}): Promise<DispatchJob[]> {
  const jobs: DispatchJob[] = []
  for (let i = 0; i < count; i++) {
    const destination = `4477009${String(++n).padStart(5, '0')}`
    const before = w.pipeline.queue.bodies<DispatchJob>(w.urls.dispatch).length
    await submitMessage(w.pipeline, submitJob({ destinations: [{ addr: destination, ton: 1, npi: 1 }] }))
    const job = { ...w.pipeline.queue.bodies<DispatchJob>(w.urls.dispatch)[before], upstreams: ['carrier-a', 'carrier-b'], ...overrides }
    await smppQueueConnector(w.queues, w.urls.upstream).send(w.upstream, job)
    jobs.push(job)
  }
  return jobs
}

/** Polls until `check` passes or `ms` elapse (bounded); the last failure is thrown. */
export async function eventually<T>(check: () => Promise<T> | T, ms = 5_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    try {
      return await check()
    } catch (err) {
      if (Date.now() > until) throw err
      await new Promise((r) => setTimeout(r, 25))
    }
  }
}

/** Receives (and deletes) what a queue holds until `count` arrived or `ms` passed. */
export async function take<T>(w: World, url: string, count: number, ms = 5_000, parse = (b: string) => JSON.parse(b) as T): Promise<T[]> {
  const got: T[] = []
  const until = Date.now() + ms
  while (got.length < count && Date.now() < until) {
    for (const m of await w.queues.receive(url, 10, 0)) {
      got.push(parse(m.body))
      await w.queues.delete(url, m.receiptHandle)
    }
    if (got.length < count) await new Promise((r) => setTimeout(r, 25))
  }
  return got
}

export const takeEvents = (w: World, count: number, ms?: number) => take<UpstreamEvent>(w, w.urls.receipts, count, ms, parseUpstreamEvent)
