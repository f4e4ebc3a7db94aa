import { type ChildProcess, spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dynamoStores } from '../../lib/adapters/dynamo'
import { ensureCallbackQueue, sqsQueues } from '../../lib/adapters/sqs'
import type { DeliverMessage, SubmitJob, VerdictMessage } from '../../lib/domain/jobs'
import type { QueueConsumer, QueueSender, Stores } from '../../lib/ports'
import { MessageState } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import { type LocalServices, localServices } from '../../test/local-services'
import { testAccount } from '../testing/accounts'
import { bindTrx, call, connectClient, type Harness, startNode, until, whenClosed } from '../testing/harness'
import type { SmppPdu } from '../testing/smpp-package'

/**
 * A stand-in for the submit Lambda (a test double of the pipeline, not of AWS): reads the real submit
 * queue and answers each job on its replyTo queue, or not at all when `verdictOf` returns undefined.
 */
function responder(queues: QueueSender & QueueConsumer, submitUrl: string, verdictOf: (job: SubmitJob) => number | undefined) {
  let running = true
  const loop = (async () => {
    while (running) {
      const batch = await queues.receive(submitUrl, 10, 1)
      for (const m of batch) {
        const job = JSON.parse(m.body) as SubmitJob
        const status = verdictOf(job)
        if (status !== undefined)
          await queues.send(job.replyTo, { type: 'verdict', messageId: job.messageId, status } satisfies VerdictMessage)
        await queues.delete(submitUrl, m.receiptHandle)
      }
    }
  })()
  return async () => {
    running = false
    await loop
  }
}

// Issue 4 against the real local services: DynamoDB Local for the stores, the SQS server for the queues.
describe('node on DynamoDB Local and SQS', () => {
  let svc: LocalServices
  let stores: Stores
  let queues: QueueSender & QueueConsumer
  let h: Harness
  let stopResponder: () => Promise<void>
  const unanswered: string[] = []

  beforeAll(async () => {
    svc = await localServices()
    stores = dynamoStores(svc.db, svc.config.tables)
    queues = sqsQueues(svc.sqs)
    const callbackQueueUrl = await ensureCallbackQueue(svc.sqs, `${svc.config.callbackQueuePrefix}${svc.config.nodeId}`)
    await stores.accounts.create(testAccount('acme', 'pw'))
    h = await startNode({
      stores,
      queues,
      smpp: { verdictDeadlineMs: 1_500 },
      settings: {
        nodeId: svc.config.nodeId,
        submitQueueUrl: svc.config.queues.submit,
        callbackQueueUrl,
        callbackWaitSec: 1,
        callbackPollers: 2,
      },
    })
    stopResponder = responder(queues, svc.config.queues.submit, (job) => {
      const to = job.destinations[0].addr
      if (to.startsWith('4900')) return void unanswered.push(job.messageId)
      return to.startsWith('4904') ? Status.Blacklisted : 0
    })
  })
  afterAll(async () => {
    await stopResponder?.()
    await h?.close()
  })

  it('round-trips submit_sm through the submit queue and the callback queue', async () => {
    const s = await connectClient(h.port)
    expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
    const ok = await call(s, 'submit_sm', { destination_addr: '4915112345678', short_message: 'via sqs' })
    expect(ok.command_status).toBe(Status.Ok)
    expect(ok.message_id).toHaveLength(24)
    expect((await call(s, 'submit_sm', { destination_addr: '4904000', short_message: 'refused' })).command_status).toBe(Status.Blacklisted)
    const entries = await stores.sessions.list('acme', Math.floor(Date.now() / 1000))
    expect(entries.map((e) => [e.nodeId, e.bindType, e.callbackQueueUrl])).toEqual([
      [svc.config.nodeId, 'transceiver', h.node.settings.callbackQueueUrl],
    ])
    s.destroy()
  })

  it('writes the 0x0402 decision to DynamoDB when no verdict arrives in time', async () => {
    const s = await connectClient(h.port)
    expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
    const resp = await call(s, 'submit_sm', { destination_addr: '4900111', short_message: 'no verdict' })
    expect(resp.command_status).toBe(Status.NotRegistered)
    expect(unanswered).toHaveLength(1)
    // First writer wins: the pipeline, reading this decision, must now drop the job.
    expect(await stores.ledger.decision(unanswered[0])).toMatchObject({ messageId: unanswered[0], status: Status.NotRegistered })
    s.destroy()
  })

  it('delivers a receipt from the callback queue and removes the pending item after deliver_sm_resp', async () => {
    const deliver = {
      kind: 'receipt' as const,
      sourceAddr: '4915112345678',
      sourceAddrTon: 1,
      sourceAddrNpi: 1,
      destinationAddr: '4930',
      destAddrTon: 1,
      destAddrNpi: 1,
      esmClass: 4,
      dataCoding: 0,
      shortMessage: Buffer.from('id:ABC stat:DELIVRD').toString('base64'),
      receiptedMessageId: 'ABC',
      messageState: MessageState.Delivered,
    }
    const now = new Date().toISOString()
    const sk = await stores.pending.add({
      accountId: 'acme',
      deliveryId: 'd1',
      createdAt: now,
      validUntil: new Date(Date.now() + 3_600_000).toISOString(),
      deliver,
    })
    const s = await connectClient(h.port)
    const got: SmppPdu[] = []
    s.on('deliver_sm', (pdu: SmppPdu) => {
      got.push(pdu)
      s.send(pdu.response())
    })
    expect((await bindTrx(s, 'acme', 'pw', 'bind_transmitter')).command_status).toBe(Status.Ok)
    await queues.send(h.node.settings.callbackQueueUrl, {
      type: 'deliver',
      accountId: 'acme',
      pendingSk: sk,
      deliver,
    } satisfies DeliverMessage)
    // Only a transmitter is bound: the notification is consumed and the item waits for a receiver.
    await new Promise((r) => setTimeout(r, 1_500))
    expect(got).toHaveLength(0)
    expect(await stores.pending.list('acme', new Date(), 10)).toHaveLength(1)
    s.destroy()
    const r = await connectClient(h.port)
    r.on('deliver_sm', (pdu: SmppPdu) => {
      got.push(pdu)
      r.send(pdu.response())
    })
    expect((await bindTrx(r, 'acme', 'pw', 'bind_receiver')).command_status).toBe(Status.Ok)
    await until(() => got.length === 1, 5_000, 'deliver_sm')
    expect(got[0].receipted_message_id).toBe('ABC')
    await until(async () => (await stores.pending.list('acme', new Date(), 10)).length === 0, 5_000, 'pending removed')
    r.destroy()
  })
})

// SIGTERM on the real process, wired by main.ts to DynamoDB Local and the SQS server.
describe('main.ts as a process', () => {
  let svc: LocalServices
  let child: ChildProcess | undefined
  beforeAll(async () => {
    svc = await localServices()
    await dynamoStores(svc.db, svc.config.tables).accounts.create(testAccount('acme', 'pw'))
  })
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL')
  })

  it('creates its callback queue, serves a bind, and on SIGTERM unbinds the client and exits 0', async () => {
    const env = {
      ...process.env,
      ...svc.env,
      SMPP_PORT: '0',
      SMPP_TLS_PORT: '0',
      HEALTH_PORT: '0',
      SMPP_HOST: '127.0.0.1',
      DRAIN_TIMEOUT_MS: '2000',
    }
    child = spawn(process.execPath, ['--import', 'tsx', 'smpp-node/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    const lines: Array<Record<string, unknown>> = []
    let buffered = ''
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString()
      const parts = buffered.split('\n')
      buffered = parts.pop()!
      for (const p of parts) if (p.startsWith('{')) lines.push(JSON.parse(p))
    })
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    await until(() => lines.some((l) => l.msg === 'smpp node listening') || child!.exitCode !== null, 20_000, `listening (${stderr})`)
    const started = lines.find((l) => l.msg === 'smpp node listening')!
    expect(started.callbackQueueUrl).toMatch(new RegExp(`callback-${svc.prefix}-node$`))
    const s = await connectClient(started.port as number)
    const seen: string[] = []
    s.on('unbind', (pdu: SmppPdu) => {
      seen.push('unbind')
      s.send(pdu.response())
    })
    expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
    const health = await fetch(`http://127.0.0.1:${started.healthPort}/health`)
    expect(await health.json()).toMatchObject({ status: 'ok', sessions: { transceiver: 1 } })
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    await whenClosed(s)
    expect(seen).toEqual(['unbind'])
    expect(lines.map((l) => l.msg)).toContain('drained')
    // The password never reaches the logs.
    expect(JSON.stringify(lines)).not.toContain('"pw"')
  }, 40_000)
})
