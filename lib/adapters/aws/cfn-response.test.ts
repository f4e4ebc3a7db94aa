import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { answerCustomResource, type CfnEvent, MaxReasonChars } from './cfn-response'

/** A local stand-in for CloudFormation's pre-signed ResponseURL: what was PUT, with its headers. */
let cfn: Server
let url: string
let status = 200
const puts: { method?: string; contentType?: string; body: Record<string, unknown> }[] = []

beforeAll(async () => {
  cfn = createServer((req, res) => {
    let raw = ''
    req.on('data', (c) => (raw += c))
    req.on('end', () => {
      puts.push({ method: req.method, contentType: req.headers['content-type'], body: JSON.parse(raw) })
      res.writeHead(status).end()
    })
  })
  await new Promise<void>((r) => cfn.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(cfn.address() as AddressInfo).port}/signed?X-Amz-Signature=x`
})
afterAll(() => {
  cfn.closeAllConnections()
  cfn.close()
})
beforeEach(() => {
  puts.length = 0
  status = 200
})

const event = (RequestType: CfnEvent['RequestType'], PhysicalResourceId?: string): CfnEvent => ({
  RequestType,
  ResponseURL: url,
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1',
  RequestId: 'req-1',
  LogicalResourceId: 'Thing',
  PhysicalResourceId,
  ResourceType: 'Custom::Thing',
  ResourceProperties: { Name: 'a' },
})

describe('the custom resource answer (CloudFormation response object)', () => {
  it('PUTs SUCCESS with the id, the outputs and the event ids, with an empty content type (the URL is pre-signed without one)', async () => {
    await answerCustomResource(event('Create'), async (e) => ({
      physicalResourceId: `thing:${e.ResourceProperties.Name}`,
      data: { Arn: 'arn:x' },
    }))
    expect(puts).toEqual([
      {
        method: 'PUT',
        contentType: '',
        body: {
          Status: 'SUCCESS',
          PhysicalResourceId: 'thing:a',
          Data: { Arn: 'arn:x' },
          StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1',
          RequestId: 'req-1',
          LogicalResourceId: 'Thing',
        },
      },
    ])
  })

  it('answers FAILED with the reason, cut to its limit, when the work throws, and logs it', async () => {
    const logged: string[] = []
    await answerCustomResource(
      event('Create'),
      async () => {
        throw new Error('x'.repeat(2_000))
      },
      { failedId: 'thing:fixed', log: (msg) => logged.push(msg) },
    )
    expect(puts[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'thing:fixed', RequestId: 'req-1' })
    expect(String(puts[0].body.Reason)).toHaveLength(MaxReasonChars)
    expect(logged).toEqual(['custom resource failed'])
  })

  it('a failed Update keeps the physical id CloudFormation knows, so the rollback deletes nothing', async () => {
    await answerCustomResource(event('Update', 'thing:old'), async () => {
      throw new Error('no')
    })
    expect(puts[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'thing:old', Reason: 'Error: no' })
  })

  it('a failed Create with no id of its own answers the logical id', async () => {
    await answerCustomResource(event('Create'), async () => {
      throw new Error('no')
    })
    expect(puts[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'Thing' })
  })

  it('logs a refused answer rather than throwing (a retried invocation would redo the work)', async () => {
    status = 403
    const logged: unknown[] = []
    await answerCustomResource(event('Delete', 'thing:a'), async (e) => ({ physicalResourceId: e.PhysicalResourceId! }), {
      log: (msg, err) => logged.push([msg, err]),
    })
    expect(logged).toEqual([['custom resource answer refused', 403]])
  })
})
