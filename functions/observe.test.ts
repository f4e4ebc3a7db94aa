import { Logger } from '@aws-lambda-powertools/logger'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type LambdaContext, powertoolsLog, withLogContext } from './observe'

const context = (awsRequestId: string): LambdaContext => ({
  awsRequestId,
  functionName: 'smpp-api',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:smpp-api',
  memoryLimitInMB: '512',
  getRemainingTimeInMillis: () => 10_000,
})

// Issue 15: the API Lambda's lines carried no request id.
describe('withLogContext', () => {
  afterEach(() => vi.restoreAllMocks())

  it("puts each invocation's request id on the lines it logs", async () => {
    const lines: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk))
      return true
    })
    const logger = new Logger({ serviceName: 'test' })
    const log = powertoolsLog(logger)
    const handler = withLogContext(async (path: string) => {
      log.info('request', { path })
      return path
    }, logger)
    expect(await handler('/a', context('req-1'))).toBe('/a')
    await handler('/b', context('req-2'))
    const entries = lines.filter((l) => l.includes('"request"')).map((l) => JSON.parse(l))
    expect(entries.map((e) => [e.path, e.function_request_id, e.function_name])).toEqual([
      ['/a', 'req-1', 'smpp-api'],
      ['/b', 'req-2', 'smpp-api'],
    ])
  })
})
