import { DeleteQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs'
import { beforeAll, describe, expect, it } from 'vitest'
import { localClients, tempQueue } from '../../../test/local-services'
import { QueueGone } from '../../ports'
import { emptyCounts, meterSqs } from '../aws/meter'
import { chunkBodies, QueueError, sqsQueues } from './queues'

const { sqs } = localClients()
const queues = sqsQueues(sqs)

/** Receives until `count` messages arrived or the deadline passed; bounded in both. */
async function drain(url: string, count: number, timeoutMs = 5_000) {
  const got: Awaited<ReturnType<typeof queues.receive>> = []
  const deadline = Date.now() + timeoutMs
  while (got.length < count && Date.now() < deadline) {
    const batch = await queues.receive(url, 10, 1, 30)
    got.push(...batch)
  }
  return got
}

describe('chunkBodies', () => {
  it('keeps at most 10 entries per batch', () => {
    const bodies = Array.from({ length: 25 }, (_, i) => `"${i}"`)
    expect(chunkBodies(bodies).map((c) => c.length)).toEqual([10, 10, 5])
  })

  it('starts a new batch before 256 KiB in all', () => {
    const big = 'x'.repeat(100 * 1024)
    expect(chunkBodies([big, big, big, '"small"']).map((c) => c.length)).toEqual([2, 2])
  })
})

describe('sqsQueues', () => {
  let url: string
  beforeAll(async () => {
    ;({ url } = await tempQueue(sqs, { visibilityTimeoutSec: 1, maxReceiveCount: 5 }))
  })

  it('sends a JSON body that comes back parsed-equal, with its receive count', async () => {
    const body = { type: 'verdict', messageId: 'm1', status: 0x0433 }
    await queues.send(url, body)
    const [m] = await drain(url, 1)
    expect(JSON.parse(m.body)).toEqual(body)
    expect(m.receiveCount).toBe(1)
    expect(m.messageId).not.toBe('')
    await queues.delete(url, m.receiptHandle)
  })

  // Issue 18, item 4: verdicts for a node that drained and deleted its callback queue.
  it('a sendBatch to a queue that no longer exists rejects with QueueGone', async () => {
    const { url: q } = await tempQueue(sqs)
    await sqs.send(new DeleteQueueCommand({ QueueUrl: q }))
    await expect(queues.sendBatch(q, [{ n: 1 }])).rejects.toBeInstanceOf(QueueGone)
  })

  it('sends 25 bodies in batches and every one arrives once', async () => {
    const { url: q } = await tempQueue(sqs)
    const bodies = Array.from({ length: 25 }, (_, i) => ({ n: i }))
    await queues.sendBatch(q, bodies)
    const got = await drain(q, 25)
    expect(got.map((m) => JSON.parse(m.body).n).sort((a, b) => a - b)).toEqual(bodies.map((b) => b.n))
  })

  it('sends bodies whose sum exceeds one batch request', async () => {
    const { url: q } = await tempQueue(sqs)
    const bodies = Array.from({ length: 3 }, (_, i) => ({ i, pad: 'x'.repeat(100 * 1024) }))
    await queues.sendBatch(q, bodies)
    expect((await drain(q, 3)).length).toBe(3)
  })

  it('redelivers an undeleted message after its visibility timeout with a higher receive count', async () => {
    const { url: q } = await tempQueue(sqs, { visibilityTimeoutSec: 1 })
    await queues.send(q, { n: 1 })
    const [first] = await queues.receive(q, 1, 1)
    expect(await queues.receive(q, 1, 0)).toEqual([]) // invisible while in flight
    const [again] = await drain(q, 1, 4_000).then(async (r) => (r.length ? r : drain(q, 1, 4_000)))
    expect(first.receiveCount).toBe(1)
    expect(again.messageId).toBe(first.messageId)
    expect(again.receiveCount).toBe(2)
  })

  it('deleteBatch removes 12 received messages in two requests; none comes back', async () => {
    const { url: q } = await tempQueue(sqs, { visibilityTimeoutSec: 1 })
    await queues.sendBatch(
      q,
      Array.from({ length: 12 }, (_, i) => ({ n: i })),
    )
    const got = await drain(q, 12)
    expect(got).toHaveLength(12)
    await queues.deleteBatch(
      q,
      got.map((m) => m.receiptHandle),
    )
    // Past the 1 s visibility timeout an undeleted message would be visible again.
    await new Promise((r) => setTimeout(r, 1_500))
    expect(await queues.receive(q, 10, 0)).toEqual([])
  })

  it('deletes made at once leave in DeleteMessageBatch requests of 10; none comes back', async () => {
    const counts = emptyCounts()
    const metered = localClients().sqs
    meterSqs(metered, counts)
    const mine = sqsQueues(metered)
    const { url: q } = await tempQueue(sqs, { visibilityTimeoutSec: 1 })
    await queues.sendBatch(
      q,
      Array.from({ length: 12 }, (_, i) => ({ n: i })),
    )
    const got = await drain(q, 12)
    await Promise.all(got.map((m) => mine.delete(q, m.receiptHandle)))
    expect(counts.sqsByAction).toEqual({ DeleteMessageBatch: 2 })
    await new Promise((r) => setTimeout(r, 1_500)) // past the visibility timeout an undeleted one is back
    expect(await queues.receive(q, 10, 0)).toEqual([])
  })

  it('changeVisibility(0) makes a message visible at once; delete removes it', async () => {
    const { url: q } = await tempQueue(sqs, { visibilityTimeoutSec: 30 })
    await queues.send(q, { n: 1 })
    const [m] = await queues.receive(q, 1, 1)
    await queues.changeVisibility(q, m.receiptHandle, 0)
    const [back] = await queues.receive(q, 1, 1)
    expect(back.messageId).toBe(m.messageId)
    await queues.delete(q, back.receiptHandle)
    await queues.changeVisibility(q, back.receiptHandle, 0).catch(() => undefined)
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: q,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    )
    expect(attrs.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' })
  })

  it('answers a long poll as soon as a message is there, as SQS does', async () => {
    const { url: q } = await tempQueue(sqs)
    setTimeout(() => void queues.send(q, { late: true }), 300)
    const started = Date.now()
    const got = await queues.receive(q, 10, 5)
    expect(got.map((m) => JSON.parse(m.body))).toEqual([{ late: true }])
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('returns an empty list after the wait when nothing arrives', async () => {
    const { url: q } = await tempQueue(sqs)
    const started = Date.now()
    expect(await queues.receive(q, 10, 1)).toEqual([])
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
  })

  it('reports a missing queue as a QueueError naming the operation', async () => {
    const missing = url.replace(/[^/]+$/, 'no-such-queue')
    await expect(queues.send(missing, {})).rejects.toThrow(QueueError)
    await expect(queues.receive(missing, 1, 0)).rejects.toThrow(/sqs receive .*no-such-queue/)
  })
})
