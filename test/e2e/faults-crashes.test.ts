import { readFileSync } from 'node:fs'
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { dlqName, physicalName, Queues } from '../../lib/resources'
import { Status } from '../../lib/smpp/status'
import { connectEsme, type Esme, isReceiptOf } from './esme'
import { createAccount } from './fixtures'
import { acceptedIds, expectChargedOnce, type Outcome, receiptsFor, submitLoad } from './load'
import { InFlightPerSession, receiptIds, repeatsAfterKill } from './receipt-repeats'
import { alive, eventually, type PartName, type Stack, StartTimeoutMs, sleep, startStack, stopStack } from './stack'

/**
 * Issue 8, faults: parts of `npm start`'s stack die or stall under a bounded load. The stack runs with
 * LOCAL_RESTART_CHILDREN=1 (infra/local/main.ts starts a dead child again, as ECS and Lambda would).
 * Whatever happens, a message the client saw accepted is charged exactly once and gets its receipt; nothing
 * is charged twice, and every submit gets an answer.
 */
vi.setConfig({ testTimeout: 180_000 })
const DeadlineMs = 4_000
let stack: Stack
const open: Esme[] = []

async function transceiver(acct: { id: string; password: string }): Promise<Esme> {
  const e = await connectEsme(stack.ports.smpp)
  open.push(e)
  const resp = await e.bind('transceiver', acct.id, acct.password)
  if (resp.command_status !== 0) throw new Error(`bind: status ${resp.command_status}`)
  return e
}

/** SIGKILLs a part and waits until the stack has started a new one. */
async function killAndAwaitRestart(part: PartName): Promise<void> {
  const pid = stack.pidOf(part)!
  process.kill(pid, 'SIGKILL')
  await eventually(
    `${part} restarted`,
    () => {
      const now = stack.pidOf(part)
      return now !== undefined && now !== pid && alive(now)
    },
    60_000,
  )
}

/**
 * Messages on the stack's submit queue, visible or in flight, and on its DLQ: the SQS endpoint and the name prefix
 * come from the stack's start banner (infra/local/main.ts).
 */
async function submitQueue(): Promise<{ onQueue: number; onDlq: number }> {
  const banner = /SQS (http:\/\/\S+)\s+prefix (\S+)/.exec(readFileSync(stack.logFile, 'utf8'))
  if (!banner) throw new Error('no SQS endpoint in the stack banner')
  const sqs = new SQSClient({ endpoint: banner[1], region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })
  const depth = async (name: string) => {
    const urls = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }))).QueueUrls ?? []
    const url = urls.find((u) => u.endsWith(`/${name}`))
    if (!url) throw new Error(`no queue ${name}`)
    const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] as const
    const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...names] }))).Attributes ?? {}
    return names.reduce((n, k) => n + Number(a[k] ?? Number.NaN), 0)
  }
  try {
    const name = physicalName(banner[2], Queues.submit.name)
    return { onQueue: await depth(name), onDlq: await depth(dlqName(name)) }
  } finally {
    sqs.destroy()
  }
}

const summary = (o: Outcome[]) => {
  const by = new Map<string, number>()
  for (const x of o) {
    const k = x.error ? 'error' : `0x${x.status!.toString(16)}`
    by.set(k, (by.get(k) ?? 0) + 1)
  }
  return Object.fromEntries(by)
}

beforeAll(async () => {
  stack = await startStack({
    LOCAL_RESTART_CHILDREN: '1',
    VERDICT_DEADLINE_MS: String(DeadlineMs),
    // A deliver_sm a killed node had claimed is taken over at the rebind (issue 18), or offered again when the claim lapses.
    RESPONSE_TIMEOUT_MS: '5000',
    // Redeliveries the suite waits for (issue 18): dispatch stays above the simulator upstream's 60 s lease, and the
    // receipt queues' retries outlast the 90 s guard lease with one to spare (infra/local/main.ts refuses less).
    LOCAL_VISIBILITY_SEC: 'submit=10,receipts=40,upstream=40,dispatch=75',
  })
}, StartTimeoutMs + 30_000)

afterAll(async () => {
  for (const e of open) e.close()
  await stopStack(stack)
}, 90_000)

describe('faults under load', () => {
  it('SIGKILL of the SMPP node mid-load: accepted messages are charged once and get their receipts after a rebind', async () => {
    const acct = await createAccount(stack, 'killnode')
    const first = await transceiver(acct)
    let killed: Promise<void> | undefined
    const before = await submitLoad(first, {
      count: 200,
      window: 8,
      onAnswer: (o) => {
        if (!killed && o.length >= 60) killed = killAndAwaitRestart('smpp')
      },
    })
    expect(killed).toBeDefined()
    await killed
    await eventually('health 200', async () => (await fetch(`http://127.0.0.1:${stack.ports.health}/health`)).status === 200, 60_000)
    const lost = before.filter((x) => x.error).length
    expect(lost).toBeGreaterThan(0) // the kill did land mid-load
    // The rest of the 200 on a new session, after the node came back.
    const second = await eventually('rebind', () => transceiver(acct), 30_000, 500)
    const after = await submitLoad(second, { count: 200 - before.length, window: 8 }, 1_000)
    const accepted = [...acceptedIds(before), ...acceptedIds(after)]
    expect(accepted.length).toBeGreaterThanOrEqual(150)
    await receiptsFor([first, second], accepted, 90_000) // every accepted id has its receipt (0 missing)
    const charges = await expectChargedOnce(stack, acct.id, accepted)
    // Towards the ESME (issue 18; docs/PIPELINE.md "Receipts after a node crash"): repeated only what the dead process had
    // outstanding on its session, the last it sent there, each once more on the new session; SMPP allows no fewer.
    const repeats = repeatsAfterKill(receiptIds(first), [receiptIds(second)])
    expect({ ...repeats, repeated: [] }).toEqual({ repeated: [], beforeItsLastWindow: [], unexplained: [] })
    expect(repeats.repeated.length).toBeLessThanOrEqual(InFlightPerSession)
    console.info('node kill:', {
      before: summary(before),
      after: summary(after),
      accepted: accepted.length,
      charged: charges.size,
      repeatedReceipts: repeats.repeated.length,
    })
  })

  it('SIGKILL of the Lambda host mid-batch: every submit answered, nothing charged twice or without acceptance', async () => {
    const acct = await createAccount(stack, 'killlambda')
    const e = await transceiver(acct)
    let killed: Promise<void> | undefined
    const outcomes = await submitLoad(e, {
      count: 150,
      window: 8,
      paceMs: 10,
      callTimeoutMs: DeadlineMs + 15_000,
      onAnswer: (o) => {
        if (!killed && o.length >= 40) killed = killAndAwaitRestart('lambda')
      },
    })
    await killed
    // The node is alive throughout: every submit is answered, accepted (0) or not registered in time (0x0402).
    expect(outcomes.filter((x) => x.error)).toEqual([])
    expect(outcomes.every((x) => x.status === Status.Ok || x.status === Status.NotRegistered)).toBe(true)
    const accepted = acceptedIds(outcomes)
    expect(accepted.length).toBeGreaterThan(40)
    const refused = outcomes.filter((x) => x.status === Status.NotRegistered).length
    // A job answered 0x0402 is decided by the node before that answer, so its redelivery charges nothing. The event
    // waited for (issue 18): the killed batch, invisible for the test stack's 10 s, redelivered and consumed, so
    // the submit queue holds nothing, visible or in flight, and nothing went to its DLQ. The charges are read after it.
    await eventually('the killed batch redelivered and consumed', async () => (await submitQueue()).onQueue === 0, 120_000, 500)
    expect((await submitQueue()).onDlq).toBe(0)
    // Every accepted message gets exactly one final receipt: what the kill left in flight comes back after the
    // visibility timeouts (10 s submit; 40 s receipts, retried until a killed run's 90 s guard lease lapses; 75 s
    // dispatch, above the simulator upstream's 60 s lease).
    await Promise.allSettled(accepted.map((id) => e.deliverSm(isReceiptOf(id), 180_000)))
    const receipts = accepted.map((id) => e.delivered.filter(isReceiptOf(id)).length)
    // The charged set is exactly the accepted set: nothing answered 0x0402 is charged, redelivered or not.
    const charges = await expectChargedOnce(stack, acct.id, accepted)
    expect([...charges.keys()].sort()).toEqual([...accepted].sort())
    const missing = accepted.filter((_, i) => receipts[i] === 0)
    console.info('lambda kill:', { outcomes: summary(outcomes), accepted: accepted.length, refused, missing })
    expect(receipts.filter((n) => n > 1)).toEqual([]) // 0 duplicates
    // 0 missing (issue 18). A DLR record the kill interrupted comes back after one visibility timeout while the
    // killed run's guard lease still holds: it must be retried, not taken as done (docs/PIPELINE.md "A held guard
    // is not done"); before that, one to four receipts in ~150 were lost here.
    expect(missing).toEqual([])
  }, 420_000)

  it('DynamoDB Local stopped for 10 s under load: every submit is answered within the deadline and slack, then it recovers', async () => {
    const StallMs = 10_000
    const acct = await createAccount(stack, 'dynstop')
    const e = await transceiver(acct)
    const dynamo = stack.pidOf('dynamo')!
    let stopped = false
    let resumed: Promise<void> | undefined
    const outcomes = await submitLoad(e, {
      count: 120,
      window: 4,
      paceMs: 100,
      callTimeoutMs: DeadlineMs + 20_000,
      onAnswer: (o) => {
        if (stopped || o.length < 20) return
        stopped = true
        process.kill(dynamo, 'SIGSTOP')
        resumed = sleep(StallMs).then(() => void process.kill(dynamo, 'SIGCONT'))
      },
    })
    await resumed
    const slowest = Math.max(...outcomes.map((x) => x.ms))
    console.info('dynamo stop:', { outcomes: summary(outcomes), slowestMs: slowest })
    expect(outcomes.filter((x) => x.error)).toEqual([])
    expect(outcomes.every((x) => [Status.Ok, Status.NotRegistered, Status.Throttled].includes(x.status as never))).toBe(true)
    // Every submit answered during the stall (each call's own bound above, not a wall-clock figure decides it).
    expect(outcomes.some((x) => x.status === Status.NotRegistered)).toBe(true)
    // Recovers by itself: new submits are accepted again.
    const later: string[] = []
    await eventually(
      'accepting again',
      async () => {
        const r = await e.call('submit_sm', { destination_addr: '447700900321', short_message: `after ${later.length}` })
        if (r.command_status === 0) later.push(r.message_id)
        return r.command_status === 0
      },
      30_000,
      500,
    )
    const accepted = [...acceptedIds(outcomes), ...later]
    await receiptsFor([e], acceptedIds(outcomes), 90_000)
    const charges = await expectChargedOnce(stack, acct.id, accepted)
    // A 0x0402 answered while the decision could not be written is best effort: a pipeline charge stuck in the
    // stalled table may still commit. Such a message is charged without the client knowing it (logged by the node).
    const unseen = [...charges.keys()].filter((id) => !accepted.includes(id))
    expect(unseen.length).toBeLessThanOrEqual(outcomes.filter((x) => x.status === Status.NotRegistered).length)
    console.info('dynamo stop: charged but answered 0x0402:', unseen.length)
  })
})
