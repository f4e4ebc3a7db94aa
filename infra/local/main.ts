import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { meterFromEnv } from '../../lib/adapters/aws/meter'
import { dynamoStores } from '../../lib/adapters/dynamo'
import { sqsQueues } from '../../lib/adapters/sqs'
import { EnvKeys } from '../../lib/config'
import { SandboxUpstream } from '../../lib/domain/sandbox'
import { GuardLeaseSec } from '../../lib/domain/settle'
import { LocalQueues, type QueueName } from '../../lib/resources'
import { startCarrierSimulator } from './carrier-simulator'
import { type Child, startChild } from './children'
import { localDynamoClient, localSqsClient } from './clients'
import { startDynamo } from './dynamo'
import { stackEnv } from './env'
import { OneLineError } from './java'
import { portAnswers, waitUntil } from './ports'
import { provision } from './provision'
import { seedDemo, seedSandbox } from './seed'
import { startSqs } from './sqs'
import { ensureCertificate } from './tls'

/**
 * `npm start`: the whole platform on one machine. DynamoDB Local and the SQS server, tables and queues from
 * lib/resources.ts, the demo data, then the SMPP node, the Lambda host (submit, dispatch, dlr), the API and the
 * carrier simulator. Ctrl-C or SIGTERM stops everything; a part that dies stops the rest (exit code 1).
 */
// Set before the first SDK client: the SDK's Node 22 notice would otherwise open every start.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const root = fileURLToPath(new URL('../../', import.meta.url))
const env = process.env
const int = (k: string, d: number) => {
  const n = Number(env[k] ?? d)
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new OneLineError(`${k}: not a port number`)
  return n
}

/** `--flag value` or `--flag=value`. */
const flag = (name: string): string | undefined => {
  const args = process.argv
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`))
  if (i < 0) return undefined
  const value = args[i].startsWith(`${name}=`) ? args[i].slice(name.length + 1) : args[i + 1]
  if (!value || value.startsWith('--')) throw new OneLineError(`${name} needs a URL, e.g. ${name} http://127.0.0.1:8000`)
  return value
}

const opts = {
  inMemory: process.argv.includes('--in-memory'),
  // Already running services (another stack's, or the test run's): a second stack on one machine skips its own
  // JVM and SQS server and keeps apart from the first by STACK_PREFIX.
  dynamoEndpoint: flag('--dynamo-endpoint') ?? env.LOCAL_DYNAMO_ENDPOINT,
  sqsEndpoint: flag('--sqs-endpoint') ?? env.LOCAL_SQS_ENDPOINT,
  dataDir: resolve(env.DATA_DIR ?? '.data'),
  host: env.SMPP_HOST ?? '127.0.0.1',
  smppPort: int('SMPP_PORT', 2775),
  tlsPort: int('SMPP_TLS_PORT', 3443),
  apiPort: int('API_PORT', 8080),
  healthPort: int('HEALTH_PORT', 8081),
  simulatorPort: int('SIMULATOR_PORT', 8082),
  receiptDelayMs: env.SIMULATOR_RECEIPT_DELAY_MS === undefined ? undefined : Number(env.SIMULATOR_RECEIPT_DELAY_MS),
  systemId: env.DEMO_SYSTEM_ID ?? 'demo',
  password: env.DEMO_PASSWORD ?? 'demopass',
  adminApiKey: env.ADMIN_API_KEY ?? `sk_local_${randomBytes(12).toString('hex')}`,
  moNumber: env.DEMO_MO_NUMBER ?? '447700900999',
  prefix: env.STACK_PREFIX ?? 'local',
}

const cleanups: (() => Promise<void>)[] = []
const children: Child[] = []
let stopping = false

async function shutdown(code: number, why?: string): Promise<never> {
  if (!stopping) {
    stopping = true
    if (why) console.error(`local stack: ${why}`)
    // The node drains its sessions first (DRAIN_TIMEOUT_MS); everything else is quick.
    await Promise.all(children.map((c) => c.stop(15_000)))
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => console.error(`local stack: cleanup: ${err}`))
    process.exit(code)
  }
  return new Promise<never>(() => {})
}

/**
 * LOCAL_VISIBILITY_SEC=submit=10,dispatch=75: shorter visibility timeouts, so the fault suite can wait for the
 * redelivery of what a killed Lambda host left in flight (issue 18). Keep dispatch above its 60 s lease. The
 * receipt queues' handlers take guards as leases (lib/domain/settle.ts GuardLeaseSec) and retry a held one: the
 * retries after the killed run's own receive must outlast the lease with one receive to spare, or the record
 * reaches the DLQ before its lease lapses and its receipt is lost.
 */
function visibilityOverrides(spec: string | undefined): Partial<Record<QueueName, number>> {
  const out: Partial<Record<QueueName, number>> = {}
  for (const part of (spec ?? '').split(',').filter(Boolean)) {
    const [q, sec] = part.split('=')
    if (!(q in LocalQueues) || !Number.isInteger(Number(sec))) throw new OneLineError(`LOCAL_VISIBILITY_SEC: bad entry ${part}`)
    const name = q as QueueName
    const spare = LocalQueues[name].maxReceiveCount - 2 // the killed run's receive, and one to spare
    if ((name === 'receipts' || name === 'upstream') && Number(sec) * spare <= GuardLeaseSec)
      throw new OneLineError(`LOCAL_VISIBILITY_SEC: ${part} x ${spare} retries is within the ${GuardLeaseSec} s guard lease`)
    out[name] = Number(sec)
  }
  return out
}

async function start() {
  const dynamo = opts.dynamoEndpoint
    ? { endpoint: opts.dynamoEndpoint }
    : await startDynamo({ path: opts.inMemory ? undefined : join(opts.dataDir, 'dynamodb'), javaOpts: env.DYNAMO_JAVA_OPTS })
  if ('process' in dynamo) {
    cleanups.push(dynamo.stop)
    void dynamo.process.once('exit', () => void shutdown(1, 'DynamoDB Local exited'))
  }
  const sqsServer = opts.sqsEndpoint ? { endpoint: opts.sqsEndpoint } : await startSqs()
  if ('stop' in sqsServer) cleanups.push(sqsServer.stop)
  const db = localDynamoClient(dynamo.endpoint)
  const sqs = localSqsClient(sqsServer.endpoint)
  const provisioned = await provision({ db, sqs, prefix: opts.prefix, visibility: visibilityOverrides(env.LOCAL_VISIBILITY_SEC) })
  // The carrier simulator's receipt posts, as a connector's would cost on AWS (the bench sets METER_DIR).
  meterFromEnv(env.METER_DIR, 'carrier', { sqs })

  const simulator = await startCarrierSimulator({
    receipts: sqsQueues(sqs),
    receiptsQueueUrl: provisioned.queues.receipts,
    port: opts.simulatorPort,
    // The bench sets it low, so receipt latency shows the pipeline's time rather than the simulated network's.
    receiptDelayMs: opts.receiptDelayMs,
    // The e2e tests time scheduled messages against these lines (test/e2e/deferred.test.ts).
    logSubmits: ['1', 'true', 'yes'].includes((env.SIMULATOR_LOG_SUBMITS ?? '').toLowerCase()),
  })
  cleanups.push(simulator.close)
  // Issue 19: the sandbox upstream is a simulator of its own, so a sandbox message never reaches the 'simulator' upstream.
  const sandbox = await startCarrierSimulator({
    receipts: sqsQueues(sqs),
    receiptsQueueUrl: provisioned.queues.receipts,
    upstreamId: SandboxUpstream,
    port: 0,
    receiptDelayMs: opts.receiptDelayMs,
  })
  cleanups.push(sandbox.close)
  await seedDemo(dynamoStores(db, provisioned.tables), { ...opts, simulatorUrl: simulator.submitUrl, now: new Date() })
  await seedSandbox(dynamoStores(db, provisioned.tables), sandbox.submitUrl)

  const tlsDir = opts.inMemory ? mkdtempSync(join(tmpdir(), 'smpp-tls-')) : join(opts.dataDir, 'tls')
  if (opts.inMemory) cleanups.push(async () => rmSync(tlsDir, { recursive: true, force: true }))
  const tls = await ensureCertificate(tlsDir)

  // What every process gets: the env CDK sets on AWS (lib/config.ts EnvKeys), plus the local endpoints.
  const base = { ...(env as Record<string, string>), ...stackEnv(provisioned, { dynamo: dynamo.endpoint, sqs: sqsServer.endpoint }) }
  const node = {
    ...base,
    NODE_ID: 'local-node-1',
    SMPP_HOST: opts.host,
    SMPP_PORT: String(opts.smppPort),
    SMPP_TLS_PORT: String(opts.tlsPort),
    SMPP_TLS_CERT_FILE: tls.certFile,
    SMPP_TLS_KEY_FILE: tls.keyFile,
    HEALTH_PORT: String(opts.healthPort),
    DRAIN_TIMEOUT_MS: env.DRAIN_TIMEOUT_MS ?? '5000', // Ctrl-C should not take ECS's 20 s
    // The bind pool for upstreams of kind smpp (docs/UPSTREAM-SMPP.md); bind passwords from SECRET_<REF>.
    [EnvKeys.upstreamPool]: env[EnvKeys.upstreamPool] ?? 'true',
  }
  const spawnAll: [string, string, Record<string, string>][] = [
    ['smpp', 'smpp-node/main.ts', node],
    ['lambda', 'infra/local/lambda-host.ts', base],
    ['api', 'functions/api/local.ts', { ...base, API_PORT: String(opts.apiPort), PORT: String(opts.apiPort), API_HOST: opts.host }],
  ]
  // LOCAL_RESTART_CHILDREN=1 starts a child that died again after a backoff, the way ECS replaces a task and
  // Lambda a sandbox; the fault tests (test/e2e/faults-*.test.ts) kill parts on purpose. Otherwise a death stops the stack.
  const restart = ['1', 'true', 'yes'].includes((env.LOCAL_RESTART_CHILDREN ?? '').toLowerCase())
  const launch = (slot: number, name: string, file: string, childEnv: Record<string, string>, deaths = 0) => {
    const child = startChild(name, join(root, file), childEnv)
    const startedAt = Date.now()
    children[slot] = child
    void child.exited.then((code) => {
      if (stopping) return
      if (!restart) return void shutdown(1, `${name} exited (code ${code}); stopping the stack`)
      const n = Date.now() - startedAt > 60_000 ? 0 : deaths + 1 // a child that ran a minute starts its backoff afresh
      const backoffMs = Math.min(10_000, 250 * 2 ** n)
      console.error(`local stack: ${name} exited (code ${code}); restarting in ${backoffMs} ms`)
      setTimeout(() => stopping || launch(slot, name, file, childEnv, n), backoffMs)
    })
  }
  for (const [i, [name, file, childEnv]] of spawnAll.entries()) launch(i, name, file, childEnv)

  const ports: [string, number][] = [
    ['SMPP', opts.smppPort],
    ['SMPP TLS', opts.tlsPort],
    ['API', opts.apiPort],
    ['health', opts.healthPort],
  ]
  await Promise.all(ports.map(([what, port]) => waitUntil(`${what} port ${port}`, () => portAnswers(port, opts.host), 120_000, 250)))
  const url = (port: number) => `http://${opts.host}:${port}`
  console.log(
    [
      '',
      'Local SMPP platform ready',
      `  SMPP         ${opts.host}:${opts.smppPort} (TCP), ${opts.host}:${opts.tlsPort} (TLS, self-signed: ${tls.certFile})`,
      `  credentials  system_id ${opts.systemId}, password ${opts.password}   MO number ${opts.moNumber}`,
      `  API          ${url(opts.apiPort)}   admin key: ${opts.adminApiKey}  (Authorization: Bearer <key>)`,
      `  health       ${url(opts.healthPort)}/health`,
      `  simulator    ${simulator.submitUrl}   inject MO: curl -d '{"from":"447700900001","to":"${opts.moNumber}","text":"hi"}' ${url(simulator.port)}/mo`,
      `  data         ${opts.inMemory ? 'in memory (--in-memory)' : opts.dataDir}   DynamoDB ${dynamo.endpoint}   SQS ${sqsServer.endpoint}   prefix ${opts.prefix}`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  )
}

process.on('SIGINT', () => void shutdown(0, 'stopping (SIGINT)'))
process.on('SIGTERM', () => void shutdown(0, 'stopping (SIGTERM)'))
start().catch((err) => {
  // A machine problem (no Java, a bad port) is one line saying what to do; a bug keeps its stack.
  if (err instanceof OneLineError) console.error(err.message)
  void shutdown(1, err instanceof OneLineError ? undefined : err instanceof Error ? (err.stack ?? err.message) : String(err))
})
