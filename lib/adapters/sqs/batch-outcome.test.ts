import { describe, expect, inject, it } from 'vitest'
import { localSqsClient } from '../../../infra/local/clients'
import { tempQueue } from '../../../test/local-services'
import { BatchSendFailure } from '../../ports'
import { sqsQueues } from './queues'

/** A real client to the local SQS server whose `nth` SendMessageBatch request fails on the way out. */
function faultySqs(nth: number) {
  const sqs = localSqsClient(inject('sqsEndpoint'))
  let batches = 0
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'SendMessageBatchCommand' && ++batches === nth) throw new Error('injected: connection reset')
      return next(args)
    },
    { step: 'initialize', name: 'failNthBatch' },
  )
  return sqs
}

// Issue 13, item 8: when a later SendMessageBatch chunk failed, every body of the call was reported failed.
describe('sendBatch outcomes per body (local SQS)', () => {
  it('tries every chunk and names exactly the bodies of the chunk that failed', async () => {
    const sqs = faultySqs(2)
    const queues = sqsQueues(sqs)
    const { url } = await tempQueue(sqs, { visibilityTimeoutSec: 30 })
    // 100 KiB each: two per request (256 KiB), so 5 bodies make chunks [0,1] [2,3] [4].
    const bodies = Array.from({ length: 5 }, (_, n) => ({ n, pad: 'x'.repeat(100 * 1024) }))
    const err = await queues.sendBatch(url, bodies).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(BatchSendFailure)
    expect((err as BatchSendFailure).failed).toEqual([2, 3])
    const got: number[] = []
    for (let i = 0; i < 20 && got.length < 3; i++) {
      for (const m of await queues.receive(url, 10, 1)) got.push(JSON.parse(m.body).n)
    }
    expect(got.sort()).toEqual([0, 1, 4])
  })
})
