import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs'
import { describe, expect, inject, it } from 'vitest'
import { LocalCredentials, LocalRegion } from '../../../infra/local/clients'
import { tempQueue } from '../../../test/local-services'
import { sdkClientOptions } from './client-options'
import { emptyCounts, meterSqs } from './meter'

const client = () =>
  new SQSClient({ ...sdkClientOptions, endpoint: inject('sqsEndpoint'), region: LocalRegion, credentials: LocalCredentials })

/** A middleware that counts the sends it sees. */
function counted(sqs: SQSClient) {
  const seen = { n: 0 }
  sqs.middlewareStack.add(
    (next) => async (args) => {
      seen.n++
      return next(args)
    },
    { step: 'initialize', name: 'countSends' },
  )
  return seen
}

// Against the test run's SQS server: the cached stack must still run every middleware on every send.
describe('sdkClientOptions (cacheMiddleware)', () => {
  it('runs middleware added before the first send on every later send of the same command', async () => {
    const sqs = client()
    const m = emptyCounts()
    meterSqs(sqs, m)
    const seen = counted(sqs)
    const { url } = await tempQueue(sqs, { visibilityTimeoutSec: 30 })
    const before = m.sqsByAction.GetQueueAttributes ?? 0 // tempQueue reads the queue's ARN too
    for (let i = 0; i < 4; i++) await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))
    expect(seen.n).toBe(m.sqsRequests)
    expect(m.sqsByAction.GetQueueAttributes).toBe(before + 4)
  })

  it('reuses the resolved stack, so middleware added after a command was sent is not seen by it', async () => {
    // The SDK's condition for the cache (why meterFromEnv runs right after a client is built, before any send).
    const sqs = client()
    const { url } = await tempQueue(sqs, { visibilityTimeoutSec: 30 })
    const send = () => sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))
    await send()
    const late = counted(sqs)
    await send()
    expect(late.n).toBe(0)
  })
})
