import { afterEach, describe, expect, it } from 'vitest'
import type { DeliverMessage, SubmitJob } from '../../lib/domain/jobs'
import type { DeliverPayload } from '../../lib/domain/model'
import { MessageState } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import { testAccount } from '../testing/accounts'
import { bindTrx, CallbackUrl, call, connectClient, type Harness, startNode, until } from '../testing/harness'
import { MemoryQueues } from '../testing/memory-queues'
import type { SmppPdu, SmppSession } from '../testing/smpp-package'

const receipt = (id: string): DeliverPayload => ({
  kind: 'receipt',
  sourceAddr: '4915112345678',
  sourceAddrTon: 1,
  sourceAddrNpi: 1,
  destinationAddr: '4930123',
  destAddrTon: 1,
  destAddrNpi: 1,
  esmClass: 0x04,
  dataCoding: 0,
  shortMessage: Buffer.from(
    `id:${id} sub:001 dlvrd:001 submit date:2503011000 done date:2503011001 stat:DELIVRD err:000 text:hello`,
  ).toString('base64'),
  receiptedMessageId: id,
  messageState: MessageState.Delivered,
  networkErrorCode: '030000',
})
const mo = (text: string): DeliverPayload => ({
  ...receipt('x'),
  kind: 'mo',
  esmClass: 0,
  shortMessage: Buffer.from(text).toString('base64'),
  receiptedMessageId: undefined,
  messageState: undefined,
  networkErrorCode: undefined,
})

/** Stores the item as the DLR function does, and optionally notifies this node's callback queue. */
async function pend(h: Harness, deliver: DeliverPayload, createdAt: string, notify = true): Promise<string> {
  const sk = await h.stores.pending.add({
    accountId: 'acme',
    deliveryId: `d-${createdAt}`,
    createdAt,
    validUntil: new Date(Date.now() + 3_600_000).toISOString(),
    deliver,
  })
  const msg: DeliverMessage = { type: 'deliver', accountId: 'acme', pendingSk: sk, deliver }
  if (notify) await h.queues.send(CallbackUrl, msg)
  return sk
}

const pendingCount = async (h: Harness) => (await h.stores.pending.list('acme', new Date(), 100)).length

/** Answers every deliver_sm with `status` and records what arrived. */
function receiver(s: SmppSession, status = 0): SmppPdu[] {
  const got: SmppPdu[] = []
  s.on('deliver_sm', (pdu: SmppPdu) => {
    got.push(pdu)
    s.send(pdu.response({ command_status: status }))
  })
  return got
}

// Issue 4: receipts and MO from the callback queue go out as deliver_sm; nothing is lost without a receiver.
describe('callback consumer and store and forward', () => {
  let h: Harness
  const sessions: SmppSession[] = []
  const bindAs = async (command: string) => {
    const s = await connectClient(h.port)
    sessions.push(s)
    expect((await bindTrx(s, 'acme', 'pw', command)).command_status).toBe(Status.Ok)
    return s
  }
  /** Binds with the deliver_sm handler in place first: the drain starts right behind bind_resp. */
  const bindReceiving = async (command: string, status = 0) => {
    const s = await connectClient(h.port)
    sessions.push(s)
    const got = receiver(s, status)
    expect((await bindTrx(s, 'acme', 'pw', command)).command_status).toBe(Status.Ok)
    return got
  }
  afterEach(async () => {
    for (const s of sessions.splice(0)) s.destroy()
    await h?.close()
  })

  it('sends a receipt as deliver_sm with its TLVs and removes it only after deliver_sm_resp 0', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')] })
    const got = await bindReceiving('bind_transceiver')
    await pend(h, receipt('0ABC'), '2025-03-01T10:00:00.000Z')
    await until(() => got.length === 1, 3000, 'deliver_sm')
    expect(got[0]).toMatchObject({
      esm_class: 0x04,
      receipted_message_id: '0ABC',
      message_state: MessageState.Delivered,
      source_addr: '4915112345678',
    })
    expect(Buffer.from(got[0].network_error_code).toString('hex')).toBe('030000')
    expect(String(got[0].short_message.message)).toContain('id:0ABC ')
    await until(async () => (await pendingCount(h)) === 0 && h.queues.depth(CallbackUrl) === 0, 3000, 'removal')
  })

  // Issue 12: the DLR function stored the receipt claimed for this node process; it goes out with no claim request.
  it('sends a receipt stored claimed for this process without claiming it, and claims one stored for another', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')] })
    const got = await bindReceiving('bind_transceiver')
    const claims: string[] = []
    const { claim } = h.stores.pending
    h.stores.pending.claim = (accountId, sk, ...rest) => {
      claims.push(sk)
      return claim(accountId, sk, ...rest)
    }
    const me = h.node.incarnation
    // The registry entry names this process: the DLR function reads it there (lib/domain/deliver.ts preClaim).
    await until(
      async () => (await h.stores.sessions.list('acme', Math.floor(Date.now() / 1000))).some((e) => e.incarnation === me),
      3000,
      'registry',
    )
    const until_ = Date.now() + 60_000
    const stored = async (id: string, by: string) => {
      const deliver = receipt(id)
      const at = `2025-03-01T10:00:0${id.length}.000Z`
      const sk = await h.stores.pending.add({
        accountId: 'acme',
        deliveryId: `d-${id}`,
        createdAt: at,
        validUntil: new Date(until_).toISOString(),
        deliver,
        claim: { by, untilMs: until_ },
      })
      const msg: DeliverMessage = { type: 'deliver', accountId: 'acme', pendingSk: sk, deliver, claimedBy: by, claimedUntil: until_ }
      await h.queues.send(CallbackUrl, msg)
      return sk
    }
    const mine = await stored('A', me)
    await until(() => got.length === 1, 3000, 'deliver_sm')
    await until(async () => (await h.stores.pending.list('acme', new Date(), 100, [me])).length === 0, 3000, 'removal')
    expect(claims).toEqual([]) // sent on the stored claim
    const theirs = await stored('BB', 'other#proc') // a live claim of another process: not ours to send
    await until(() => claims.includes(theirs), 3000, 'claim attempt')
    await until(() => h.queues.depth(CallbackUrl) === 0, 3000, 'notification done')
    expect(got).toHaveLength(1)
    expect(claims).not.toContain(mine)
  })

  // Issue 14: a part of a long MO reaches the ESME with its UDH (UDHI kept) or its SAR TLVs.
  it('sends an MO part with its UDH and esm_class 0x40, and another with its SAR TLVs', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')] })
    const got = await bindReceiving('bind_transceiver')
    const udhPart = Buffer.concat([Buffer.from('050003070201', 'hex'), Buffer.from('first')])
    await pend(h, { ...mo('x'), esmClass: 0x40, shortMessage: udhPart.toString('base64') }, '2025-03-01T10:00:00.000Z')
    await pend(h, { ...mo('second'), sar: { ref: 7, total: 2, seq: 2 } }, '2025-03-01T10:00:01.000Z')
    await until(() => got.length === 2, 3000, 'two deliveries')
    expect(got[0].esm_class).toBe(0x40)
    expect(got[0].short_message.udh?.map((b: Buffer) => Buffer.from(b).toString('hex'))).toEqual(['0003070201']) // the concat IE: 8-bit ref 7, part 1 of 2
    expect(String(got[0].short_message.message)).toBe('first')
    expect(got[1]).toMatchObject({ esm_class: 0, sar_msg_ref_num: 7, sar_total_segments: 2, sar_segment_seqnum: 2 })
  })

  it('round-robins deliveries over the receiver sessions of the account', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')] })
    const a = await bindReceiving('bind_receiver')
    const b = await bindReceiving('bind_transceiver')
    await bindAs('bind_transmitter') // never gets deliver_sm
    for (let i = 0; i < 4; i++) await pend(h, mo(`mo ${i}`), `2025-03-01T10:00:0${i}.000Z`)
    await until(() => a.length + b.length === 4, 3000, 'four deliveries')
    expect([a.length, b.length]).toEqual([2, 2])
  })

  it('keeps the item pending and the queue message for a retry when the ESME refuses the deliver_sm', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')] })
    const got = await bindReceiving('bind_transceiver', Status.XTAppn)
    await pend(h, receipt('R1'), '2025-03-01T10:00:00.000Z')
    await until(() => got.length === 1, 3000, 'deliver_sm')
    await new Promise((r) => setTimeout(r, 100))
    expect(await pendingCount(h)).toBe(1) // claim released: listable again
    expect(h.queues.depth(CallbackUrl)).toBe(1)
    expect(h.node.metrics.counters.deliveriesFailed).toBe(1)
  })

  it('stores receipts while no receiver is bound and delivers them in order on the next bind', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')] })
    const tx = await bindAs('bind_transmitter')
    await pend(h, receipt('FIRST'), '2025-03-01T10:00:00.000Z')
    await pend(h, mo('second'), '2025-03-01T10:00:01.000Z')
    await pend(h, receipt('THIRD'), '2025-03-01T10:00:02.000Z', false)
    // The notifications are consumed (nobody here to deliver to), the items stay.
    await until(() => h.queues.depth(CallbackUrl) === 0, 3000, 'notifications consumed')
    expect(await pendingCount(h)).toBe(3)
    tx.destroy()
    const got = await bindReceiving('bind_receiver')
    await until(() => got.length === 3, 3000, 'three deliveries after bind')
    expect(got.map((p) => p.receipted_message_id ?? String(p.short_message.message))).toEqual(['FIRST', 'second', 'THIRD'])
    await until(async () => (await pendingCount(h)) === 0, 3000, 'pending drained')
  })

  it('survives a reconnect in the middle: what was not acknowledged goes out again on the next bind', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')] })
    await pend(h, receipt('ONCE'), '2025-03-01T10:00:00.000Z', false)
    await pend(h, receipt('TWICE'), '2025-03-01T10:00:01.000Z', false)
    const first = await connectClient(h.port)
    sessions.push(first)
    const seen: string[] = []
    first.on('deliver_sm', (pdu: SmppPdu) => {
      seen.push(pdu.receipted_message_id)
      first.destroy() // gone before answering
    })
    expect((await bindTrx(first, 'acme', 'pw', 'bind_receiver')).command_status).toBe(Status.Ok)
    // Binding drained: ONCE went out, the session vanished without a resp.
    await until(() => seen.length === 1, 3000, 'first attempt')
    await until(() => h.node.sessionCounts().receiver === 0, 3000, 'session gone')
    const got = await bindReceiving('bind_receiver')
    await until(() => got.length === 2, 3000, 'redelivery')
    expect(got.map((p) => p.receipted_message_id)).toEqual(['ONCE', 'TWICE'])
  })

  it('deletes verdicts for submits nobody waits for, and leaves unreadable bodies for the DLQ', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')] })
    await h.queues.send(CallbackUrl, { type: 'verdict', messageId: 'UNKNOWN', status: 0 })
    h.queues.post(CallbackUrl, 'not json')
    await until(() => h.queues.depth(CallbackUrl) === 1, 3000, 'verdict deleted')
  })

  it('holds one long poll while the queue is idle, and still takes what comes (issue 12: idle cost)', async () => {
    const queues = new MemoryQueues()
    let polls = 0
    let outstanding = 0
    let peakIdle = 0
    const receive = queues.receive.bind(queues)
    queues.receive = async (...args) => {
      polls++
      peakIdle = Math.max(peakIdle, ++outstanding)
      try {
        return await receive(...args)
      } finally {
        outstanding--
      }
    }
    h = await startNode({ accounts: [testAccount('acme', 'pw')], queues, settings: { callbackPollers: 4 } })
    await until(() => polls >= 3, 3000, 'three empty polls') // 0.2 s waits
    expect(peakIdle).toBe(1)
    for (let i = 0; i < 25; i++) await queues.send(CallbackUrl, { type: 'verdict', messageId: `NOBODY${i}`, status: 0 })
    await until(() => queues.depth(CallbackUrl) === 0, 3000, 'verdicts deleted')
  })
})

// Issue 16: the submit function sends one invocation's verdicts for this node as one message.
describe('verdict bundles', () => {
  let h: Harness
  const sessions: SmppSession[] = []
  afterEach(async () => {
    for (const s of sessions.splice(0)) s.destroy()
    await h?.close()
  })

  /** Two sessions of two accounts, each with submits waiting (the pipeline stand-in holds every job). */
  async function waiting(perSession: number) {
    const held: SubmitJob[] = []
    h = await startNode({ accounts: [testAccount('acme', 'pw'), testAccount('beta', 'pw')], verdictOf: (job) => void held.push(job) })
    const resps: Promise<SmppPdu>[][] = []
    for (const account of ['acme', 'beta']) {
      const s = await connectClient(h.port)
      sessions.push(s)
      expect((await bindTrx(s, account, 'pw')).command_status).toBe(Status.Ok)
      resps.push(Array.from({ length: perSession }, (_, i) => call(s, 'submit_sm', { destination_addr: `4915${i}`, short_message: 'b' })))
    }
    await until(() => held.length === 2 * perSession, 3000, 'jobs posted')
    return { held, resps }
  }

  it('answers every submit_sm of one bundle, on each session, with its own status, then deletes the bundle', async () => {
    const { held, resps } = await waiting(2)
    // Per job: the second submit of each session is refused; acme's first is a re-send adopted as an earlier id.
    const entry = (j: SubmitJob) =>
      j.destinations[0].addr === '49151'
        ? { messageId: j.messageId, status: Status.Blacklisted }
        : j.accountId === 'acme'
          ? { messageId: j.messageId, status: 0, adoptedId: 'EARLIER01' }
          : { messageId: j.messageId, status: 0 }
    await h.queues.send(CallbackUrl, { type: 'verdicts', verdicts: [...held.map(entry), { messageId: 'NOBODY-WAITS', status: 0 }] })
    const [acme, beta] = await Promise.all(resps.map((r) => Promise.all(r)))
    expect(acme.map((p) => [p.command_status, p.message_id])).toEqual([
      [Status.Ok, 'EARLIER01'],
      [Status.Blacklisted, undefined],
    ])
    expect(beta.map((p) => p.command_status)).toEqual([Status.Ok, Status.Blacklisted])
    expect(beta[0].message_id).toBe(held.find((j) => j.accountId === 'beta' && j.destinations[0].addr === '49150')!.messageId)
    expect(h.node.verdicts.size).toBe(0)
    await until(() => h.queues.depth(CallbackUrl) === 0, 3000, 'bundle deleted')
  })

  it('still answers a single verdict, as a node upgraded before the functions gets it', async () => {
    const { held, resps } = await waiting(1)
    for (const job of held) await h.queues.send(CallbackUrl, { type: 'verdict', messageId: job.messageId, status: Status.Duplicate })
    for (const [r] of resps) expect((await r).command_status).toBe(Status.Duplicate)
    await until(() => h.queues.depth(CallbackUrl) === 0, 3000, 'verdicts deleted')
  })

  it.each([
    ['an empty bundle', { type: 'verdicts', verdicts: [] }],
    ['an entry without status', { type: 'verdicts', verdicts: [{ messageId: 'm1' }, { messageId: 'm2', status: 0 }] }],
    ['entries that are not a list', { type: 'verdicts', verdicts: { messageId: 'm1', status: 0 } }],
  ])('leaves %s on the queue for the DLQ, answering none of it', async (_, body) => {
    const { held, resps } = await waiting(1)
    // The malformed entry names a waiting submit: it must not be answered from a bundle the schema refuses.
    const named = JSON.stringify(body).replaceAll('"m2"', JSON.stringify(held[0].messageId))
    h.queues.post(CallbackUrl, named)
    await h.queues.send(CallbackUrl, { type: 'verdict', messageId: held[1].messageId, status: 0 })
    expect((await resps[1][0]).command_status).toBe(Status.Ok) // the next message was read and answered
    await until(() => h.queues.depth(CallbackUrl) === 1, 3000, 'good verdict deleted')
    expect(h.node.verdicts.size).toBe(1)
  })
})
