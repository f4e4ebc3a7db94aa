import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dynamoStores } from '../../lib/adapters/dynamo'
import type { Stores } from '../../lib/ports'
import { localServices } from '../../test/local-services'
import type { SandboxEvent } from './register'

/** Custom::SandboxUpstream against DynamoDB Local, answered to a local stand-in for CloudFormation's pre-signed URL. */
let stores: Stores
let handler: (e: SandboxEvent) => Promise<void>
let cfn: Server
let cfnUrl: string
const answers: { method?: string; body: Record<string, unknown> }[] = []

beforeAll(async () => {
  const svc = await localServices()
  Object.assign(process.env, svc.env) // the handler reads its config when its module loads, as on a cold start
  stores = dynamoStores(svc.db, svc.config.tables)
  ;({ handler } = await import('./register'))
  cfn = createServer((req, res) => {
    let raw = ''
    req.on('data', (c) => (raw += c))
    req.on('end', () => {
      answers.push({ method: req.method, body: JSON.parse(raw) })
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((r) => cfn.listen(0, '127.0.0.1', r))
  cfnUrl = `http://127.0.0.1:${(cfn.address() as AddressInfo).port}/answer`
}, 60_000)
afterAll(() => {
  cfn.closeAllConnections()
  cfn.close()
})

const event = (RequestType: SandboxEvent['RequestType'], Url = 'https://abc.lambda-url.us-east-1.on.aws/sms'): SandboxEvent => ({
  RequestType,
  ResponseURL: cfnUrl,
  StackId: 'stack-1',
  RequestId: `req-${answers.length}`,
  LogicalResourceId: 'SandboxRegistration',
  ResourceType: 'Custom::SandboxUpstream',
  ResourceProperties: { Url, TimeoutMs: '5000', SecretRef: 'sandbox' },
})

describe('registering the sandbox upstream at deploy (issue 19)', () => {
  it('writes upstream sandbox with its URL and secretRef, and a zero-cost catch-all tariff; an update moves the URL', async () => {
    await handler(event('Create'))
    expect(await stores.reference.upstream('sandbox')).toEqual({
      upstreamId: 'sandbox',
      kind: 'http',
      url: 'https://abc.lambda-url.us-east-1.on.aws/sms',
      secretRef: 'sandbox',
      timeoutMs: 5000,
    })
    expect(await stores.reference.upstreamTariffFor('sandbox', '447700900123')).toMatchObject({ prefix: '', cost: 0 })
    await handler(event('Update', 'https://xyz.lambda-url.us-east-1.on.aws/sms'))
    expect((await stores.reference.upstream('sandbox'))?.url).toBe('https://xyz.lambda-url.us-east-1.on.aws/sms')
    expect(answers.map((a) => [a.method, a.body.Status, a.body.PhysicalResourceId, a.body.RequestId])).toEqual([
      ['PUT', 'SUCCESS', 'upstream:sandbox', 'req-0'],
      ['PUT', 'SUCCESS', 'upstream:sandbox', 'req-1'],
    ])
  })

  it('leaves the row at delete (the table goes with the stack, or stays with the data), and answers SUCCESS', async () => {
    await handler(event('Delete'))
    expect(answers.at(-1)?.body).toMatchObject({ Status: 'SUCCESS', LogicalResourceId: 'SandboxRegistration', StackId: 'stack-1' })
    expect(await stores.reference.upstream('sandbox')).toBeDefined()
  })

  it('answers FAILED with the reason for bad properties, writing nothing, so the deploy stops instead of hanging', async () => {
    await handler({ ...event('Create'), ResourceProperties: { Url: '', TimeoutMs: 'x', SecretRef: 'sandbox' } })
    expect(answers.at(-1)?.body).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('needs an https Url') })
    expect((await stores.reference.upstream('sandbox'))?.url).toBe('https://xyz.lambda-url.us-east-1.on.aws/sms')
  })
})
