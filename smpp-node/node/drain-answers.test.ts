import { afterEach, describe, expect, it } from 'vitest'
import { adoptedId, deadIncarnations, type FingerprintOwner } from '../../lib/domain/adoption'
import type { SubmitJob } from '../../lib/domain/jobs'
import { Status } from '../../lib/smpp/status'
import { testAccount } from '../testing/accounts'
import { bindTrx, call, connectClient, type Harness, startNode, until } from '../testing/harness'
import type { SmppPdu, SmppSession } from '../testing/smpp-package'

/** The fingerprint owner the charge would write for this job (lib/domain/charge.ts), as the submit function reads it. */
const ownerOf = (job: SubmitJob): FingerprintOwner => ({
  messageId: job.messageId,
  sourceAddr: job.sourceAddr,
  registeredDelivery: job.registeredDelivery,
  incarnation: job.incarnation!,
  chargedAt: Math.floor(Date.parse(job.receivedAt) / 1000),
  receivedAtMs: Date.parse(job.receivedAt),
})

// Issue 18, item 4: a node drained (SIGTERM, scale-in) while a client still has a submit in flight.
describe('drain with submits in flight', () => {
  let h: Harness
  let s: SmppSession | undefined
  afterEach(async () => {
    s?.destroy()
    await h?.close()
  })

  it('retires with its answer record: the unanswered submit can be adopted, the answered one not', async () => {
    const jobs: SubmitJob[] = []
    h = await startNode({
      accounts: [testAccount('acme', 'pw')],
      // The pipeline answers the first text and never the second, so the drain runs out of time on it.
      verdictOf: (job) => {
        jobs.push(job)
        return job.text === 'answered' ? 0 : undefined
      },
      smpp: { drainTimeoutMs: 300, verdictDeadlineMs: 30_000 },
    })
    s = await connectClient(h.port)
    s.on('unbind', (pdu: SmppPdu) => s!.send(pdu.response()))
    expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
    expect((await call(s, 'submit_sm', { destination_addr: '491', short_message: 'answered' })).command_status).toBe(Status.Ok)
    const record = async () => (await h.stores.nodes.answerRecords([h.node.incarnation])).get(h.node.incarnation)
    // The answer's flush: the record no longer lists the answered submit as unsure.
    await until(async () => (await record())?.unsure.length === 0, 3_000, 'answer recorded')
    s.submit_sm({ destination_addr: '491', short_message: 'in flight' })
    await until(() => h.node.verdicts.size === 1, 2_000, 'waiting verdict')
    await h.listeners.close()
    await h.node.drain()

    const registry = await h.stores.nodes.list()
    const [answered, inFlight] = jobs
    expect(registry.find((e) => e.incarnation === h.node.incarnation)?.diedAtMs).toEqual(expect.any(Number))
    const records = new Map([[h.node.incarnation, (await record())!]])
    expect(records.get(h.node.incarnation)?.unsure).toEqual([inFlight.messageId])
    // Dead at once (its claims are free to take), and the submit function's decisions on the client's re-sends:
    expect([...deadIncarnations(registry, Date.now())]).toContain(h.node.incarnation)
    const resend = (job: SubmitJob) => ({ ...job, messageId: 'RESEND' })
    expect(adoptedId(resend(inFlight), ownerOf(inFlight), registry, Date.now(), records)).toBe(inFlight.messageId)
    expect(adoptedId(resend(answered), ownerOf(answered), registry, Date.now(), records)).toBeUndefined()
  })
})
