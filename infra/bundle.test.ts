import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dynamoStores } from '../lib/adapters/dynamo'
import { ensureCallbackQueue, sqsQueues } from '../lib/adapters/sqs'
import { EnvKeys } from '../lib/config'
import { drain, seed, sqsEvent, submitJob } from '../lib/domain/fixtures'
import type { DispatchJob, UpstreamEvent } from '../lib/domain/jobs'
import type { Stores } from '../lib/ports'
import { physicalName } from '../lib/resources'
import { type LocalServices, localServices } from '../test/local-services'
import { bundleHandlers, type EntryName, repoRoot } from './bundle'
import { freePort } from './local/ports'

/**
 * The artefacts we deploy, built with the deployment's esbuild settings and run against DynamoDB
 * Local and the SQS server: one message goes submit -> dispatch -> receipt through the three bundled
 * workers, the bundled API answers a request, and the node's bundle starts the way its image does.
 */

type SqsHandler = (e: ReturnType<typeof sqsEvent>) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>
type ApiHandler = (e: unknown, ctx: unknown) => Promise<{ statusCode: number; body: string; headers?: Record<string, string> }>

let outDir: string
let paths: Record<EntryName, string>
let svc: LocalServices
let stores: Stores
let queues: ReturnType<typeof sqsQueues>
let carrier: Server
const carried: string[] = []

const load = async <T>(name: EntryName): Promise<T> => (await import(pathToFileURL(paths[name]).href)).handler as T

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'smpp-bundles-'))
  // Bundling first: the handlers read the environment when their module loads.
  ;[paths, svc] = await Promise.all([bundleHandlers(outDir), localServices()])
  Object.assign(process.env, svc.env)
  carrier = createServer((req, res) => {
    let raw = ''
    req.on('data', (c) => (raw += c))
    req.on('end', () => {
      carried.push(JSON.parse(raw).messageId)
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"id":"carrier-${carried.length}"}`)
    })
  })
  await new Promise<void>((r) => carrier.listen(0, '127.0.0.1', r))
  stores = dynamoStores(svc.db, svc.config.tables)
  queues = sqsQueues(svc.sqs)
  await seed(stores, undefined, `http://127.0.0.1:${(carrier.address() as AddressInfo).port}/sms`)
}, 120_000)

afterAll(async () => {
  carrier?.closeAllConnections()
  carrier?.close()
  if (outDir) await rm(outDir, { recursive: true, force: true })
})

describe('the deployed bundles, run against the local services', () => {
  it('bundles every handler and the node as one ESM file each', async () => {
    for (const p of Object.values(paths)) expect((await readFile(p, 'utf8')).startsWith('import { createRequire')).toBe(true)
  })

  it('carries one message through the bundled submit, dispatch and DLR handlers', async () => {
    const replyTo = await ensureCallbackQueue(svc.sqs, physicalName(svc.prefix, 'callback-bundle'))
    const job = submitJob({ replyTo, receivedAt: new Date().toISOString(), deadline: Date.now() + 60_000 })

    const submit = await load<SqsHandler>('submit')
    expect(await submit(sqsEvent(job))).toEqual({ batchItemFailures: [] })
    expect(await drain(queues, replyTo, 1)).toMatchObject([{ messageId: job.messageId, status: 0 }])
    const [dispatchJob] = await drain<DispatchJob>(queues, svc.config.queues.dispatch, 1)
    expect(dispatchJob).toMatchObject({ messageId: job.messageId })

    const dispatch = await load<SqsHandler>('dispatch')
    expect(await dispatch(sqsEvent(dispatchJob))).toEqual({ batchItemFailures: [] })
    expect(carried).toEqual([job.messageId])
    expect(await stores.messages.get(job.messageId)).toMatchObject({ state: 'ENROUTE' })

    const dlr = await load<SqsHandler>('dlr')
    const receipt: UpstreamEvent = {
      type: 'receipt',
      upstreamId: 'up-a',
      upstreamMessageId: 'carrier-1',
      stat: 'DELIVRD',
      err: 0,
      doneAt: new Date().toISOString(),
    }
    expect(await dlr(sqsEvent(receipt))).toEqual({ batchItemFailures: [] })
    expect(await stores.messages.get(job.messageId)).toMatchObject({ state: 'DELIVERED' })
  }, 90_000)

  it('answers an API Gateway (HTTP API, payload 2.0) request with the bundled API', async () => {
    const api = await load<ApiHandler>('api')
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/openapi.json',
      rawQueryString: '',
      headers: { host: 'api.example.com' },
      requestContext: {
        http: { method: 'GET', path: '/openapi.json', sourceIp: '192.0.2.1' },
        domainName: 'api.example.com',
        stage: '$default',
      },
      isBase64Encoded: false,
    }
    const res = await api(event, {})
    expect(res.statusCode).toBe(200)
    expect(JSON.parse(res.body)).toMatchObject({ openapi: expect.stringMatching(/^3\./) })
  }, 60_000)

  it("starts the node's bundle as its image does: NODE_ID from the ECS task id, healthy, drains on SIGTERM", async () => {
    // The image's start script, taken from the Dockerfile so the test runs exactly what ships.
    const dockerfile = await readFile(join(repoRoot, 'smpp-node/Dockerfile'), 'utf8')
    const script = /COPY <<'EOF' \.\/start\.mjs\n([\s\S]*?)\nEOF/.exec(dockerfile)?.[1]
    expect(script).toBeDefined()
    const start = join(dirname(paths.node), 'start.mjs')
    await writeFile(start, script!)
    // The ECS task metadata endpoint (v4), as Fargate serves it to the container.
    const taskId = 'f00dfeed0123456789abcdef01234567'
    const metadata = createServer((req, res) =>
      res.end(JSON.stringify(req.url === '/task' ? { TaskARN: `arn:aws:ecs:us-east-1:123456789012:task/smpp/${taskId}` } : {})),
    )
    await new Promise<void>((r) => metadata.listen(0, '127.0.0.1', r))
    const [smppPort, healthPort] = [await freePort(), await freePort()]
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...svc.env,
      [EnvKeys.nodeId]: undefined,
      ECS_CONTAINER_METADATA_URI_V4: `http://127.0.0.1:${(metadata.address() as AddressInfo).port}`,
      SMPP_HOST: '127.0.0.1',
      SMPP_PORT: String(smppPort),
      HEALTH_PORT: String(healthPort),
      SMPP_PROXY_PROTOCOL: 'true',
      DRAIN_TIMEOUT_MS: '1000',
    }
    delete env[EnvKeys.nodeId]
    const child: ChildProcess = spawn(process.execPath, [start], { cwd: dirname(start), env: env as NodeJS.ProcessEnv, stdio: 'pipe' })
    let output = ''
    child.stdout?.on('data', (d) => (output += d))
    child.stderr?.on('data', (d) => (output += d))
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    try {
      expect(await healthStatus(healthPort, 15_000), output).toBe(200)
      const name = `${svc.env[EnvKeys.callbackQueuePrefix]}task-${taskId}`
      const { QueueUrl } = await svc.sqs.send(new GetQueueUrlCommand({ QueueName: name }))
      expect(QueueUrl).toContain(name)
      child.kill('SIGTERM')
      // Drain (1 s here) plus the callback consumer's long poll (up to 20 s) ending: the stack's stopTimeout covers both.
      expect(await within(exited, 40_000), output).toBe(0)
    } finally {
      child.kill('SIGKILL')
      metadata.close()
    }
  }, 90_000)
})

/** Polls the health endpoint until it answers 200 (bounded by `timeoutMs`); the last status, or 0. */
async function healthStatus(port: number, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs
  let status = 0
  while (Date.now() < until) {
    status = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.status,
      () => 0,
    )
    if (status === 200) return status
    await new Promise((r) => setTimeout(r, 100))
  }
  return status
}

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms).unref())])
