import net from 'node:net'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { localSqsClient } from '../../infra/local/clients'
import { sqsQueues } from '../../lib/adapters/sqs'
import { encode } from '../../lib/smpp/codec'
import { CommandId } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import { tempQueue } from '../../test/local-services'
import { testAccount } from '../testing/accounts'
import { type Harness, startNode } from '../testing/harness'
import { submitSm } from '../testing/pdus'
import { WireClient } from '../testing/wire-client'

/** A real client to the local SQS server that never delivers entry `id` of any SendMessageBatch (a lost entry). */
function sqsLosingEntry(id: string) {
  const sqs = localSqsClient(inject('sqsEndpoint'))
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'SendMessageBatchCommand') return next(args)
      const input = args.input as { Entries: { Id: string; MessageBody: string }[] }
      const kept = input.Entries.filter((e) => e.Id !== id)
      const lost = kept.length < input.Entries.length
      if (kept.length === 0)
        return { output: { Successful: [], Failed: [{ Id: id, SenderFault: false, Code: 'InternalError' }] }, response: {} } as never
      const out = (await next({ ...args, input: { ...input, Entries: kept } } as typeof args)) as { output: { Failed?: unknown[] } }
      if (lost) out.output.Failed = [...(out.output.Failed ?? []), { Id: id, SenderFault: false, Code: 'InternalError' }]
      return out as never
    },
    { step: 'initialize', name: 'loseEntry' },
  )
  return sqs
}

// Issue 13, item 8: one failed entry made every job of the batch answer 0x0402, though the others were
// queued and would be charged and sent; an async account's retries then became duplicates.
describe('submit batcher outcomes (real socket, local SQS)', () => {
  let h: Harness | undefined
  afterEach(async () => {
    await h?.close()
  })

  it('answers 0x0402 only to the jobs that did not reach the queue', async () => {
    const sqs = sqsLosingEntry('3')
    const submit = await tempQueue(sqs, { visibilityTimeoutSec: 30 })
    const callback = await tempQueue(sqs, { visibilityTimeoutSec: 30 })
    h = await startNode({
      accounts: [testAccount('late', 'pw', { refusalMode: 'async' })],
      queues: sqsQueues(sqs),
      settings: { submitQueueUrl: submit.url, callbackQueueUrl: callback.url },
    })
    const socket = net.connect(h.port, '127.0.0.1')
    await new Promise((r) => socket.once('connect', r))
    const c = new WireClient(socket)
    c.send({
      commandId: CommandId.BindTransceiver,
      status: 0,
      sequence: 1,
      body: { systemId: 'late', password: 'pw', systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' },
    })
    expect((await c.next()).status).toBe(Status.Ok)
    c.send(Buffer.concat(Array.from({ length: 10 }, (_, i) => encode({ ...submitSm(), sequence: 10 + i }))))
    const resps = await Promise.all(Array.from({ length: 10 }, () => c.next(10_000)))
    const ok = resps.filter((p) => p.status === Status.Ok).map((p) => (p.body as { messageId: string }).messageId)
    const failed = resps.filter((p) => p.status === Status.NotRegistered)
    expect(ok.length + failed.length).toBe(10)
    expect(failed.length).toBeGreaterThan(0)
    expect(failed.length).toBeLessThan(10)
    const queued: string[] = []
    for (let i = 0; i < 20 && queued.length < ok.length; i++) {
      for (const m of await sqsQueues(sqs).receive(submit.url, 10, 1)) queued.push(JSON.parse(m.body).messageId)
    }
    expect(queued.sort()).toEqual(ok.sort())
    socket.destroy()
  })
})
