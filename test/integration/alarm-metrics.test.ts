import { type ChildProcess, spawn } from 'node:child_process'
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../infra/local/ports'
import { dynamoStores } from '../../lib/adapters/dynamo'
import { EnvKeys } from '../../lib/config'
import { MetricDimensions, MetricNames, MetricNamespace } from '../../lib/observability/names'
import { Status } from '../../lib/smpp/status'
import { testAccount } from '../../smpp-node/testing/accounts'
import { connectEsme } from '../e2e/esme'
import { eventually, root } from '../e2e/stack'
import { type LocalServices, localServices } from '../local-services'

/**
 * Issue 15: an outage of the submit path must reach an alarm. The submit function runs in the local Lambda host
 * (infra/local/lambda-host.ts, the handler module AWS runs) against an accounts table that does not exist, so it
 * fails every record; the node (smpp-node/main.ts as a process) answers 0x0402 at the verdict deadline. Both write
 * the EMF lines the CDK alarms watch: VerdictDeadlineMissed from the node, RecordsFailed (Function=submit) from the
 * function, whose Lambda Errors metric stays 0 because failed records go back as batchItemFailures.
 */
interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] }
  [k: string]: unknown
}

const emfLines = (out: string): EmfLine[] =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{') && l.includes('"_aws"'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as EmfLine]
      } catch {
        return []
      }
    })

/** The sum of `name` over every EMF line of the namespace (a value may be one number or an array of samples). */
const total = (lines: EmfLine[], name: string, where: Record<string, string> = {}) =>
  lines
    .filter((l) => l._aws.CloudWatchMetrics[0]?.Namespace === MetricNamespace)
    .filter((l) => Object.entries(where).every(([k, v]) => l[k] === v))
    .flatMap((l) => l[name])
    .reduce((a: number, v) => a + (typeof v === 'number' ? v : 0), 0)

let svc: LocalServices
const children: ChildProcess[] = []
const output = { node: '', lambda: '' }

function spawnChild(which: keyof typeof output, args: string[], env: Record<string, string>): ChildProcess {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')))
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const keep = (d: Buffer) => {
    output[which] = (output[which] + d.toString()).slice(-200_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  children.push(child)
  return child
}

beforeAll(async () => {
  svc = await localServices()
  await dynamoStores(svc.db, svc.config.tables).accounts.create(testAccount('outage', 'pw'))
})
afterAll(() => {
  for (const c of children) c.kill('SIGKILL')
})

describe('alarm metrics under a provoked fault', () => {
  it('a submit function failing every record: the node emits VerdictDeadlineMissed, the function RecordsFailed', async () => {
    // The function's config names a table that is not there: every GetItem fails, every record is reported failed.
    spawnChild('lambda', ['infra/local/lambda-host.ts'], {
      ...svc.env,
      [EnvKeys.table('accounts')]: `${svc.prefix}-no-such-table`,
      LAMBDA_CONCURRENCY: '1',
    })
    const [smppPort, healthPort] = [await freePort(), await freePort()]
    const node = spawnChild('node', ['smpp-node/main.ts'], {
      ...svc.env,
      SMPP_HOST: '127.0.0.1',
      SMPP_PORT: String(smppPort),
      SMPP_TLS_PORT: '0',
      HEALTH_PORT: String(healthPort),
      VERDICT_DEADLINE_MS: '1500',
      [EnvKeys.metricsIntervalMs]: '300',
      [EnvKeys.upstreamPool]: 'false',
      DRAIN_TIMEOUT_MS: '1000',
    })
    await eventually('node health', async () => (await fetch(`http://127.0.0.1:${healthPort}/health`)).status === 200, 60_000).catch(
      (err) => {
        throw new Error(`${err}\n${output.node.slice(-3_000)}`)
      },
    )
    const esme = await connectEsme(smppPort)
    try {
      expect((await esme.bind('transceiver', 'outage', 'pw')).command_status).toBe(Status.Ok)
      const resp = await esme.call('submit_sm', { destination_addr: '4915112345678', short_message: 'into the outage' }, 30_000)
      expect(resp.command_status).toBe(Status.NotRegistered) // 0x0402 at the verdict deadline
    } finally {
      esme.close()
    }
    await eventually(
      'VerdictDeadlineMissed in the node output',
      () => total(emfLines(output.node), MetricNames.DeadlineMissed) >= 1,
      20_000,
    )
    await eventually(
      'RecordsFailed for the submit function',
      () => total(emfLines(output.lambda), MetricNames.RecordsFailed, { [MetricDimensions.Function]: 'submit' }) >= 1,
      30_000,
    ).catch((err) => {
      throw new Error(`${err}\n${output.lambda.slice(-3_000)}`)
    })
    // The refusal is counted by its status too (the dashboard's refusals by code).
    expect(total(emfLines(output.node), MetricNames.Refused, { [MetricDimensions.Status]: 'PLATFORM_NOT_REGISTERED' })).toBe(1)
    const exited = new Promise((r) => node.once('exit', r))
    node.kill('SIGTERM')
    expect(await exited, output.node.slice(-2_000)).toBe(0)
    // The drained node deleted its callback queue (and, locally, its DLQ): a stopped task leaves no queue behind.
    const name = `${svc.env[EnvKeys.callbackQueuePrefix]}${svc.env[EnvKeys.nodeId]}`
    await expect(svc.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).rejects.toThrow()
    await expect(svc.sqs.send(new GetQueueUrlCommand({ QueueName: `${name}-dlq` }))).rejects.toThrow()
  }, 120_000)
})
