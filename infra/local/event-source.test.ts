import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs'
import { afterEach, describe, expect, it } from 'vitest'
import { sqsQueues } from '../../lib/adapters/sqs/queues'
import { localClients, tempQueue } from '../../test/local-services'
import { type EventSourceRunner, type SqsEvent, type SqsHandler, startEventSource } from './event-source'

const { sqs } = localClients()
const queues = sqsQueues(sqs)
const silent = { info() {}, warn() {}, error() {} }
const runners: EventSourceRunner[] = []
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()))
})

const start = async (
  queueUrl: string,
  handler: SqsHandler,
  extra: { batchSize?: number; batchWindowMs?: number; concurrency?: number } = {},
) => {
  const runner = await startEventSource({ sqs, queueUrl, handler, batchSize: extra.batchSize ?? 10, ...extra, log: silent })
  runners.push(runner)
  return runner
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 8_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(25)
  }
}
async function depth(client: SQSClient, url: string) {
  const a = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  )
  return Number(a.Attributes?.ApproximateNumberOfMessages) + Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible)
}
const bodyOf = (e: SqsEvent) => e.Records.map((r) => JSON.parse(r.body).n as number)

describe('local SQS event source', () => {
  it('hands the handler batches of at most batchSize records, in the Lambda SQS event shape', async () => {
    const q = await tempQueue(sqs, { visibilityTimeoutSec: 5 })
    await queues.sendBatch(
      q.url,
      [1, 2, 3, 4, 5, 6, 7].map((n) => ({ n })),
    )
    const events: SqsEvent[] = []
    await start(
      q.url,
      async (e) => {
        events.push(e)
        return { batchItemFailures: [] }
      },
      { batchSize: 3 },
    )
    await until(() => events.flatMap(bodyOf).length === 7)
    expect(events.map((e) => e.Records.length)).toEqual([3, 3, 1])
    expect(events.flatMap(bodyOf).sort()).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(events[0].Records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: expect.stringMatching(new RegExp(`:${q.name}$`)),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: expect.any(String) },
    })
    await until(async () => (await depth(sqs, q.url)) === 0)
  })

  it('waits up to the batching window to fill a batch', async () => {
    const q = await tempQueue(sqs, { visibilityTimeoutSec: 5 })
    const sizes: number[] = []
    await start(
      q.url,
      async (e) => {
        sizes.push(e.Records.length)
      },
      { batchSize: 4, batchWindowMs: 800 },
    )
    await queues.send(q.url, { n: 1 })
    await sleep(200)
    await queues.sendBatch(q.url, [{ n: 2 }, { n: 3 }])
    await until(() => sizes.reduce((a, b) => a + b, 0) === 3)
    expect(sizes).toEqual([3])
  })

  it('redelivers only the records reported in batchItemFailures, after the visibility timeout', async () => {
    const q = await tempQueue(sqs, { visibilityTimeoutSec: 2, maxReceiveCount: 5 })
    await queues.sendBatch(q.url, [{ n: 1 }, { n: 2 }, { n: 3 }])
    const seen: { n: number; count: string; at: number }[] = []
    await start(q.url, async (e) => {
      for (const r of e.Records) seen.push({ n: JSON.parse(r.body).n, count: r.attributes.ApproximateReceiveCount, at: Date.now() })
      return {
        batchItemFailures: e.Records.filter((r) => JSON.parse(r.body).n === 2 && r.attributes.ApproximateReceiveCount === '1').map((r) => ({
          itemIdentifier: r.messageId,
        })),
      }
    })
    await until(() => seen.length === 4)
    await until(async () => (await depth(sqs, q.url)) === 0)
    expect(seen.map((s) => `${s.n}:${s.count}`).sort()).toEqual(['1:1', '2:1', '2:2', '3:1'])
    const [first, again] = seen.filter((s) => s.n === 2)
    // Visibility timeout honoured: not back before its 2 s are over.
    expect(again.at - first.at).toBeGreaterThanOrEqual(1_800)
  })

  it('redelivers every record of a batch whose handler throws', async () => {
    const q = await tempQueue(sqs, { visibilityTimeoutSec: 1, maxReceiveCount: 5 })
    await queues.sendBatch(q.url, [{ n: 1 }, { n: 2 }])
    const seen: string[] = []
    let calls = 0
    await start(q.url, async (e) => {
      calls++
      for (const r of e.Records) seen.push(`${JSON.parse(r.body).n}:${r.attributes.ApproximateReceiveCount}`)
      if (calls === 1) throw new Error('cold start failed')
    })
    await until(() => seen.length === 4)
    await until(async () => (await depth(sqs, q.url)) === 0)
    expect(seen.sort()).toEqual(['1:1', '1:2', '2:1', '2:2'])
  })

  it('treats an unknown itemIdentifier as a failed batch, as Lambda does', async () => {
    const q = await tempQueue(sqs, { visibilityTimeoutSec: 1, maxReceiveCount: 5 })
    await queues.send(q.url, { n: 1 })
    const counts: string[] = []
    await start(q.url, async (e) => {
      counts.push(e.Records[0].attributes.ApproximateReceiveCount)
      return { batchItemFailures: counts.length === 1 ? [{ itemIdentifier: 'not-in-batch' }] : [] }
    })
    await until(async () => counts.length === 2 && (await depth(sqs, q.url)) === 0)
    expect(counts).toEqual(['1', '2'])
  })

  it('moves a poison message to the DLQ after maxReceiveCount receives', async () => {
    const q = await tempQueue(sqs, { visibilityTimeoutSec: 1, maxReceiveCount: 2 })
    await queues.send(q.url, { n: 666 })
    let attempts = 0
    await start(q.url, async (e) => {
      attempts += e.Records.length
      return { batchItemFailures: e.Records.map((r) => ({ itemIdentifier: r.messageId })) }
    })
    const [dead] = await queues.receive(q.dlqUrl, 1, 6)
    expect(JSON.parse(dead.body)).toEqual({ n: 666 })
    expect(attempts).toBe(2)
    expect(await depth(sqs, q.url)).toBe(0)
  })

  it('runs `concurrency` batches at once', async () => {
    const q = await tempQueue(sqs, { visibilityTimeoutSec: 5 })
    await queues.sendBatch(q.url, [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }])
    let inFlight = 0
    let peak = 0
    let done = 0
    await start(
      q.url,
      async (e) => {
        peak = Math.max(peak, ++inFlight)
        await sleep(300)
        inFlight--
        done += e.Records.length
      },
      { batchSize: 1, concurrency: 2 },
    )
    await until(() => done === 4)
    expect(peak).toBe(2)
  })

  it('holds one long poll on an idle queue, and every poller again once records come (issue 12: idle cost)', async () => {
    const q = await tempQueue(sqs, { visibilityTimeoutSec: 5 })
    const { sqs: counted } = localClients()
    let polls = 0
    let outstanding = 0
    let peakIdle = 0
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'ReceiveMessageCommand') return next(args)
        polls++
        peakIdle = Math.max(peakIdle, ++outstanding)
        try {
          return await next(args)
        } finally {
          outstanding--
        }
      },
      { step: 'initialize', name: 'countReceives' },
    )
    let inFlight = 0
    let peak = 0
    let done = 0
    const handler: SqsHandler = async (e) => {
      peak = Math.max(peak, ++inFlight)
      await sleep(300)
      inFlight--
      done += e.Records.length
    }
    const runner = await startEventSource({ sqs: counted, queueUrl: q.url, handler, batchSize: 1, concurrency: 3, waitSec: 1, log: silent })
    runners.push(runner)
    await until(() => polls >= 3) // three 1 s waits on the empty queue, one after the other
    expect(peakIdle).toBe(1)
    await queues.sendBatch(q.url, [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }, { n: 6 }])
    await until(() => done === 6)
    expect(peak).toBe(3)
  })

  it('hands the next batch over while the last one is still being deleted, and stop() waits for the delete (issue 12)', async () => {
    const q = await tempQueue(sqs, { visibilityTimeoutSec: 30 })
    const { sqs: slow } = localClients()
    let release: () => void = () => {}
    const held = new Promise<void>((r) => {
      release = r
    })
    let deletes = 0
    slow.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'DeleteMessageBatchCommand') return next(args)
        deletes++
        await held // every delete waits until the test lets it go
        return next(args)
      },
      { step: 'initialize', name: 'holdDeletes' },
    )
    const seen: number[] = []
    const runner = await startEventSource({
      sqs: slow,
      queueUrl: q.url,
      handler: async (e) => void seen.push(...bodyOf(e)),
      batchSize: 1,
      concurrency: 1,
      log: silent,
    })
    await queues.sendBatch(
      q.url,
      [1, 2, 3].map((n) => ({ n })),
    )
    // One poller, each batch's delete held: the batches still follow one another.
    await until(() => seen.length === 3)
    expect(deletes).toBe(3)
    expect(await depth(sqs, q.url)).toBeGreaterThan(0) // received, not yet deleted
    const stopped = runner.stop()
    let stoppedYet = false
    void stopped.then(() => {
      stoppedYet = true
    })
    await sleep(100)
    expect(stoppedYet).toBe(false)
    release()
    await stopped
    expect(await depth(sqs, q.url)).toBe(0)
    expect(seen.sort()).toEqual([1, 2, 3])
  })

  it('stop() lets the in-flight batch finish and acknowledges it', async () => {
    const q = await tempQueue(sqs, { visibilityTimeoutSec: 30 })
    await queues.send(q.url, { n: 1 })
    let started = false
    let finished = false
    const runner = await start(q.url, async () => {
      started = true
      await sleep(400)
      finished = true
    })
    await until(() => started)
    await runner.stop()
    expect(finished).toBe(true)
    expect(await depth(sqs, q.url)).toBe(0)
  })
})
