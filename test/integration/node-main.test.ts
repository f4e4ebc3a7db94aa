import { type ChildProcess, spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../infra/local/ports'
import { dynamoStores } from '../../lib/adapters/dynamo'
import { EnvKeys } from '../../lib/config'
import { type Carrier, startCarrier } from '../../smpp-node/upstream/testing/carrier'
import { eventually, root } from '../e2e/stack'
import { type LocalServices, localServices } from '../local-services'

/**
 * smpp-node/main.ts as a process, the way the image runs it: NODE_ID from the ECS task metadata endpoint, the
 * upstream bind pool on (UPSTREAM_POOL) binding to an smpp upstream of the reference table with the password from
 * SECRET_<REF>, and on SIGTERM the pool's binds unbound before the process exits 0.
 */
const TaskId = '0123456789abcdef0123456789abcdef'
let svc: LocalServices
let metadata: Server
let carrier: Carrier
let child: ChildProcess | undefined
let output = ''

beforeAll(async () => {
  svc = await localServices()
  metadata = createServer((req, res) =>
    res.end(JSON.stringify(req.url === '/task' ? { TaskARN: `arn:aws:ecs:eu-west-1:123456789012:task/smpp/${TaskId}` } : {})),
  )
  await new Promise<void>((r) => metadata.listen(0, '127.0.0.1', r))
  carrier = await startCarrier({ password: 'n0depass' })
  await dynamoStores(svc.db, svc.config.tables).reference.putUpstream({
    upstreamId: 'carrier-n',
    kind: 'smpp',
    secretRef: 'carrier-n',
    timeoutMs: 2_000,
    smpp: { host: '127.0.0.1', port: carrier.port, systemId: 'platform', reconnect: { initialMs: 100, maxMs: 500 } },
  })
})
afterEach(() => {
  child?.kill('SIGKILL')
  child = undefined
})
afterAll(async () => {
  metadata?.close()
  await carrier?.close()
})

async function startNode(env: Record<string, string>): Promise<{ exited: Promise<number | null>; healthPort: number }> {
  const [smppPort, healthPort] = [await freePort(), await freePort()]
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== EnvKeys.nodeId))
  const { [EnvKeys.nodeId]: _id, ...svcEnv } = svc.env
  output = ''
  child = spawn(process.execPath, ['--import', 'tsx', 'smpp-node/main.ts'], {
    cwd: root,
    env: {
      ...inherited,
      ...svcEnv,
      ECS_CONTAINER_METADATA_URI_V4: `http://127.0.0.1:${(metadata.address() as AddressInfo).port}`,
      SMPP_HOST: '127.0.0.1',
      SMPP_PORT: String(smppPort),
      SMPP_TLS_PORT: '0',
      HEALTH_PORT: String(healthPort),
      DRAIN_TIMEOUT_MS: '2000',
      SECRET_CARRIER_N: 'n0depass',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const proc = child
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)))
  await eventually('health', async () => (await fetch(`http://127.0.0.1:${healthPort}/health`)).status === 200, 60_000).catch((err) => {
    throw new Error(`${err}\n${output.slice(-3_000)}`)
  })
  return { exited, healthPort }
}

describe('smpp-node/main.ts', () => {
  it('takes NODE_ID from the ECS task, runs the bind pool with SECRET_<REF>, and unbinds it on SIGTERM', async () => {
    const bindsBefore = carrier.binds.length
    const unbindsBefore = carrier.unbinds
    const { exited } = await startNode({})
    const name = `${svc.env[EnvKeys.callbackQueuePrefix]}task-${TaskId}`
    expect((await svc.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toContain(name)
    await eventually('bound to the carrier', () => carrier.binds.length > bindsBefore, 20_000)
    expect(carrier.binds.at(-1)).toMatchObject({ command: 'bind_transceiver', systemId: 'platform', password: 'n0depass' })

    child!.kill('SIGTERM')
    expect(await exited, output).toBe(0)
    expect(carrier.unbinds).toBe(unbindsBefore + 1)
  }, 90_000)

  it('binds to no carrier with UPSTREAM_POOL=false', async () => {
    const bindsBefore = carrier.binds.length
    const { exited } = await startNode({ [EnvKeys.upstreamPool]: 'false', [EnvKeys.nodeId]: 'no-pool' })
    await new Promise((r) => setTimeout(r, 1_500)) // several reconnect intervals of the upstream's settings
    expect(carrier.binds.length).toBe(bindsBefore)
    child!.kill('SIGTERM')
    expect(await exited, output).toBe(0)
  }, 90_000)
})
