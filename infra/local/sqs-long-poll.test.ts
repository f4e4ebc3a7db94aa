import { ReceiveMessageCommand } from '@aws-sdk/client-sqs'
import { createRequestHandler } from 'local-aws-sqs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { sqsQueues } from '../../lib/adapters/sqs/queues'
import { localClients, tempQueue } from '../../test/local-services'
import { longPollLikeAws, type ServerQueue } from './sqs-long-poll'

// The SQS server of the test run (test/global-setup.ts) is infra/local/sqs.ts's, wrapped by ./sqs-long-poll.ts.
const { sqs } = localClients()
const queues = sqsQueues(sqs)

// Every wait below is 20 s, longer than the test's own 10 s timeout: a poll held for its wait fails the test,
// whatever the machine's load (issue 12: the server used to hold a poll until MaxNumberOfMessages were there).
describe('the local SQS server answers a long poll as AWS does', () => {
  it('returns the one message that arrives during a poll for ten', { timeout: 10_000 }, async () => {
    const q = await tempQueue(sqs, { visibilityTimeoutSec: 30 })
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: q.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }))
    await new Promise((r) => setTimeout(r, 200))
    await queues.send(q.url, { n: 1 })
    const got = await poll
    expect(got.Messages?.map((m) => JSON.parse(m.Body ?? '{}'))).toEqual([{ n: 1 }])
  })

  it('answers at once with what is already there, up to MaxNumberOfMessages', { timeout: 10_000 }, async () => {
    const q = await tempQueue(sqs, { visibilityTimeoutSec: 30 })
    await queues.sendBatch(
      q.url,
      [1, 2, 3].map((n) => ({ n })),
    )
    const first = await queues.receive(q.url, 2, 20)
    const rest = await queues.receive(q.url, 10, 20)
    expect([...first, ...rest].map((m) => JSON.parse(m.body).n).sort()).toEqual([1, 2, 3])
    expect(first).toHaveLength(2)
  })

  it('hands a waiting poll the message whose visibility timeout ran out', { timeout: 10_000 }, async () => {
    const q = await tempQueue(sqs, { visibilityTimeoutSec: 1 })
    await queues.send(q.url, { n: 7 })
    const [first] = await queues.receive(q.url, 10, 20)
    const again = await queues.receive(q.url, 10, 20) // not deleted: back after 1 s
    expect(again.map((m) => [m.messageId, m.receiveCount])).toEqual([[first.messageId, 2]])
  })

  it('hands a waiting poll the message made visible again by ChangeMessageVisibility', { timeout: 10_000 }, async () => {
    const q = await tempQueue(sqs, { visibilityTimeoutSec: 30 })
    await queues.send(q.url, { n: 8 })
    const [first] = await queues.receive(q.url, 10, 20)
    const poll = queues.receive(q.url, 10, 20)
    await queues.changeVisibility(q.url, first.receiptHandle, 0)
    expect((await poll).map((m) => m.messageId)).toEqual([first.messageId])
  })

  it('leaves the message to a live poll when the client of a waiting poll went away', { timeout: 10_000 }, async () => {
    const q = await tempQueue(sqs, { visibilityTimeoutSec: 30 })
    const gone = new AbortController()
    const orphan = sqs.send(new ReceiveMessageCommand({ QueueUrl: q.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }), {
      abortSignal: gone.signal,
    })
    await new Promise((r) => setTimeout(r, 200))
    gone.abort()
    await orphan.catch(() => undefined)
    await new Promise((r) => setTimeout(r, 200))
    await queues.send(q.url, { n: 9 })
    // Taken by the orphaned poll, it would stay hidden for its 30 s visibility timeout.
    expect((await queues.receive(q.url, 10, 20)).map((m) => JSON.parse(m.body))).toEqual([{ n: 9 }])
  })

  it('ends an empty poll after its wait, with no message', async () => {
    const q = await tempQueue(sqs)
    expect(await queues.receive(q.url, 10, 1)).toEqual([])
    expect(await queues.receive(q.url, 10, 0)).toEqual([])
  })
})

// On a stepped clock, no wall time: the server's own receive answers on its first scan tick, every 10 ms; at
// each hop of the pipeline that is a wait AWS does not have (issue 12).
describe('a ready message', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it("is handed out after 1 ms, not on the server's 10 ms tick", async () => {
    vi.useFakeTimers()
    const { service } = createRequestHandler({ port: 1, queues: [{ QueueName: 'tick' }] })
    const queue = service.Queues[0] as unknown as ServerQueue & { setRecord(m: { MessageBody: string }): unknown }
    longPollLikeAws(queue)
    queue.setRecord({ MessageBody: 'hello' })
    await vi.advanceTimersByTimeAsync(0) // the record's delay of 0 s
    let got: unknown[] | undefined
    void queue.receive({ WaitTimeSeconds: 20, MaxNumberOfMessages: 10 }).then((m) => {
      got = m
    })
    await vi.advanceTimersByTimeAsync(1)
    expect(got?.map((m) => (m as { MessageBody: string }).MessageBody)).toEqual(['hello'])
  })
})
