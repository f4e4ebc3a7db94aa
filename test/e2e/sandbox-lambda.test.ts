import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { EnvKeys } from '../../lib/config'
import { TestPrefixes } from '../../lib/domain/test-destinations'
import { physicalName, Queues } from '../../lib/resources'
import { Status } from '../../lib/smpp/status'
import { sharedServicesStack } from '../integration/stacks'
import { connectEsme, type Esme, isReceiptOf, receiptFields } from './esme'
import { createAccount, messagesOf, putUpstream } from './fixtures'
import { hostFunctionUrl } from './function-url-host'
import { type Stack, StartTimeoutMs, stopStack } from './stack'

/**
 * Issue 19: the AWS sandbox upstream's handler (functions/sandbox/handler.ts) as the `sandbox` upstream of a whole
 * local stack (DynamoDB Local, the SQS server, the pipeline's Lambdas): a sandbox account binds with the npm smpp
 * client, sends to each test destination, and gets each one's receipt. The handler's receipts go to the stack's
 * real receipts queue with SQS DelaySeconds, and the dispatcher reaches it with the contract's bearer secret.
 */
vi.setConfig({ testTimeout: 120_000 })
const Secret = `e2e-sandbox-${Math.random().toString(36).slice(2)}`
let stack: Stack
let host: Awaited<ReturnType<typeof hostFunctionUrl>>
let esme: Esme
let acct: { id: string; password: string }

beforeAll(async () => {
  // The dispatch function reads the sandbox row's secretRef 'sandbox' as SECRET_SANDBOX (lib/adapters/http/secrets.ts).
  // SECRET_WRONG: a secret the dispatcher can send, which is not the sandbox's.
  stack = await sharedServicesStack({ [EnvKeys.secret('sandbox')]: Secret, [EnvKeys.secret('wrong')]: 'not-the-sandbox-secret' })
  const line = /SQS (\S+)\s+prefix (\S+)/.exec(stack.output())
  if (!line) throw new Error('the stack did not print its SQS endpoint')
  const [, sqsEndpoint, prefix] = line
  const sqs = new SQSClient({ endpoint: sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } })
  const receipts = await sqs.send(new GetQueueUrlCommand({ QueueName: physicalName(prefix, Queues.receipts.name) }))
  // The handler reads its config when its module loads, as on a cold start: the env the CDK stack would set.
  Object.assign(process.env, {
    [EnvKeys.sqsEndpoint]: sqsEndpoint,
    [EnvKeys.queue('receipts')]: receipts.QueueUrl,
    [EnvKeys.secret('sandbox')]: Secret,
    SANDBOX_RECEIPT_DELAY_MS: '1000',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
  })
  const { handler } = await import('../../functions/sandbox/handler')
  host = await hostFunctionUrl(handler)
  // What the CDK custom resource registers (functions/sandbox/register.ts), here over the admin API.
  await putUpstream(stack, { upstreamId: 'sandbox', kind: 'http', url: `${host.url}/sms`, secretRef: 'sandbox', timeoutMs: 5_000 })
  acct = await createAccount(stack, 'sbxl', { settings: { sandbox: true } })
  esme = await connectEsme(stack.ports.smpp)
  expect((await esme.bind('transceiver', acct.id, acct.password)).command_status).toBe(Status.Ok)
}, StartTimeoutMs + 60_000)

afterAll(async () => {
  esme?.close()
  await host?.close()
  await stopStack(stack)
}, 90_000)

const send = async (to: string) => {
  const resp = await esme.call('submit_sm', { source_addr: 'SANDBOX', destination_addr: to, short_message: 'test', registered_delivery: 1 })
  expect(resp.command_status).toBe(Status.Ok)
  return resp.message_id as string
}

describe('the AWS sandbox handler as the sandbox upstream of a local stack (issue 19)', () => {
  it('gives each test destination its receipt', async () => {
    const cases = [
      ['447700900123', 'DELIVRD', '000'],
      [`${TestPrefixes.Undeliverable}01`, 'UNDELIV', '001'],
      [`${TestPrefixes.Expired}01`, 'EXPIRED', '000'],
      [`${TestPrefixes.Rejected}01`, 'REJECTD', '002'],
      [`${TestPrefixes.EnrouteThenDelivered}01`, 'DELIVRD', '000'], // the final one, after ENROUTE, one delay later
      [`${TestPrefixes.TransportError}01`, 'UNDELIV', '446'], // 503: no failover for a sandbox message, so 0x0446
      [`${TestPrefixes.Slow}01`, 'UNDELIV', '446'], // 504 at once instead of a sleeping Lambda: the same transport error
    ] as const
    const ids = await Promise.all(cases.map(([to]) => send(to)))
    const receipts = await Promise.all(
      ids.map((id) => esme.deliverSm((p) => isReceiptOf(id)(p) && receiptFields(p).stat !== 'ENROUTE', 90_000)),
    )
    // A receipt goes from the handset (the destination) back to the sender (the addresses of the submit, swapped).
    expect(receipts.map((r) => [r.source_addr, r.destination_addr, receiptFields(r).stat, receiptFields(r).err])).toEqual(
      cases.map(([to, stat, err]) => [to, 'SANDBOX', stat, err]),
    )
    // Every message of the account went to the sandbox, and the handler answered each submit.
    const messages = await messagesOf(stack, acct.id)
    expect(messages).toHaveLength(cases.length)
    expect(new Set(messages.filter((m) => m.upstreamId !== undefined).map((m) => m.upstreamId))).toEqual(new Set(['sandbox']))
    expect(host.paths.filter((p) => p === '/sms').length).toBeGreaterThanOrEqual(cases.length)
  })

  it('a submit with another bearer reaches the handler and is refused: a transport error, not a receipt from the sandbox', async () => {
    await putUpstream(stack, { upstreamId: 'sandbox', kind: 'http', url: `${host.url}/sms`, secretRef: 'wrong', timeoutMs: 5_000 })
    const before = host.paths.length
    const id = await send('447700900777')
    const r = await esme.deliverSm(isReceiptOf(id), 90_000)
    expect(receiptFields(r)).toMatchObject({ stat: 'UNDELIV', err: '446' })
    expect(host.paths.length).toBeGreaterThan(before) // the handler answered it (401), the dispatcher gave up
  })
})
