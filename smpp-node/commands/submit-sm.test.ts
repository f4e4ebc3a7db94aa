import { afterEach, describe, expect, it } from 'vitest'
import type { SubmitJob } from '../../lib/domain/jobs'
import { CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import { MessageIdLength } from '../node/message-id'
import { testAccount } from '../testing/accounts'
import { bindTrx, CallbackUrl, call, connectClient, type Harness, type HarnessOptions, SubmitUrl, startNode } from '../testing/harness'
import { submitSm } from '../testing/pdus'
import type { SmppSession } from '../testing/smpp-package'
import { prepareSubmit } from './submit-sm'

const statusOfPrepare = (pdu: Pdu): number => {
  try {
    prepareSubmit(pdu)
    return Status.Ok
  } catch (err) {
    return (err as { status: number }).status
  }
}

describe('prepareSubmit (the cheap checks)', () => {
  it('turns a submit_sm into the job fields, text decoded and one part', () => {
    expect(prepareSubmit(submitSm())).toMatchObject({
      command: 'submit_sm',
      destinations: [{ addr: '4915112345678', ton: 1, npi: 1 }],
      text: 'hello',
      parts: 1,
      shortMessage: Buffer.from('hello').toString('base64'),
      registeredDelivery: 1,
    })
  })

  it.each([
    ['an unknown data_coding', { dataCoding: 0x05 }, Status.UnknownDataCoding],
    ['161 octets without UDH, SAR or payload', { shortMessage: Buffer.alloc(161, 0x41) }, Status.TextTooLong],
    [
      '159 octets with UDHI: a 6-octet concat UDH and 153 septets',
      { esmClass: 0x40, shortMessage: Buffer.concat([Buffer.from('050003010201', 'hex'), Buffer.alloc(153, 0x41)]) },
      Status.Ok,
    ],
    // Issue 14: a UDH part goes out byte for byte as one SMS of 140 octets, UDH included (TS 23.040 9.2.3.16).
    [
      '161 octets with UDHI: 155 septets do not fit after the UDH',
      { esmClass: 0x40, shortMessage: Buffer.concat([Buffer.from('050003010201', 'hex'), Buffer.alloc(155, 0x41)]) },
      Status.TextTooLong,
    ],
    [
      "IA5 (data_coding 1, the npm smpp client's plain text) after a concat UDH: 153 characters, septets as GSM",
      { esmClass: 0x40, dataCoding: 0x01, shortMessage: Buffer.concat([Buffer.from('050003010201', 'hex'), Buffer.alloc(153, 0x41)]) },
      Status.Ok,
    ],
    [
      'IA5 after a concat UDH: 154 characters',
      { esmClass: 0x40, dataCoding: 0x01, shortMessage: Buffer.concat([Buffer.from('050003010201', 'hex'), Buffer.alloc(154, 0x41)]) },
      Status.TextTooLong,
    ],
    [
      '8-bit with a port UDH: 7 + 133 = 140 octets',
      { esmClass: 0x40, dataCoding: 0x04, shortMessage: Buffer.concat([Buffer.from('0605040b8423f0', 'hex'), Buffer.alloc(133)]) },
      Status.Ok,
    ],
    [
      '8-bit with a port UDH: 7 + 134 = 141 octets',
      { esmClass: 0x40, dataCoding: 0xf5, shortMessage: Buffer.concat([Buffer.from('0605040b8423f0', 'hex'), Buffer.alloc(134)]) },
      Status.TextTooLong,
    ],
    [
      'UCS2 after a concat UDH: 67 characters',
      { esmClass: 0x40, dataCoding: 0x08, shortMessage: Buffer.concat([Buffer.from('050003010201', 'hex'), Buffer.alloc(134)]) },
      Status.Ok,
    ],
    [
      'UCS2 after a concat UDH: 68 characters',
      { esmClass: 0x40, dataCoding: 0x08, shortMessage: Buffer.concat([Buffer.from('050003010201', 'hex'), Buffer.alloc(136)]) },
      Status.TextTooLong,
    ],
    [
      '161 octets with SAR',
      { shortMessage: Buffer.alloc(161, 0x41), sarMsgRefNum: 1, sarTotalSegments: 2, sarSegmentSeqnum: 1 },
      Status.Ok,
    ],
    ['an empty destination', { destinationAddr: '' }, Status.InvDstAdr],
    ['UDHI with a broken header', { esmClass: 0x40, shortMessage: Buffer.from('09000301', 'hex') }, Status.InvEsmClass],
    ['exactly 160 octets', { shortMessage: Buffer.alloc(160, 0x41) }, Status.Ok],
  ])('%s -> 0x%s', (_what, patch, status) => {
    expect(statusOfPrepare(submitSm(patch))).toBe(status)
  })

  it('decodes GSM text with the national language tables its UDH names (issue 17)', () => {
    // UDH 03 25 01 01: Turkish locking shift table (TS 23.040 9.2.3.24.16); 0x07 is ı and 0x60 is ç in A.3.1.
    const shortMessage = Buffer.from('032501014b0760', 'hex')
    expect(prepareSubmit(submitSm({ esmClass: 0x40, shortMessage })).text).toBe('Kıç')
    // The same septets without the IE read with the default alphabet (0x07 ì, 0x60 ¿), as before.
    expect(prepareSubmit(submitSm({ shortMessage: shortMessage.subarray(4) })).text).toBe('Kì¿')
  })

  it('decodes GSM text with a single shift IE (0x24) and with both IEs (issue 17)', () => {
    // 24 01 02: Spanish single shift table (A.2.2): ESC 0x61 is á; 25 01 01 with it: Turkish locking, 0x1d is ş.
    expect(prepareSubmit(submitSm({ esmClass: 0x40, shortMessage: Buffer.from('032401021b61', 'hex') })).text).toBe('á')
    expect(prepareSubmit(submitSm({ esmClass: 0x40, shortMessage: Buffer.from('062501012401021d1b61', 'hex') })).text).toBe('şá')
  })

  it('counts the parts of a long message_payload', () => {
    const job = prepareSubmit(submitSm({ shortMessage: Buffer.alloc(0), messagePayload: Buffer.alloc(400, 0x41) }))
    expect(job.parts).toBe(3) // 400 GSM septets: 153 + 153 + 94
    expect(job.messagePayload).toBe(Buffer.alloc(400, 0x41).toString('base64'))
  })

  it('refuses distribution lists in submit_multi and an empty destination list', () => {
    const multi = (dests: unknown[]) => ({ ...submitSm({ dests }), commandId: CommandId.SubmitMulti })
    expect(statusOfPrepare(multi([{ destFlag: 2, dlName: 'friends' }]))).toBe(Status.CntSubDl)
    expect(statusOfPrepare(multi([]))).toBe(Status.InvNumDests)
    expect(prepareSubmit(multi([{ destFlag: 1, destAddrTon: 1, destAddrNpi: 1, destinationAddr: '491' }])).destinations).toEqual([
      { addr: '491', ton: 1, npi: 1 },
    ])
  })
})

// Issue 4, the bridge: submit_sm over a real socket, the job on the submit queue, the verdict on the callback queue.
describe('submit_sm over the node', () => {
  let h: Harness
  let s: SmppSession
  const start = async (opts: HarnessOptions = {}) => {
    h = await startNode({ accounts: [testAccount('acme', 'pw'), testAccount('later', 'pw', { refusalMode: 'async' })], ...opts })
    s = await connectClient(h.port)
    expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
  }
  afterEach(async () => {
    s?.destroy()
    await h?.close()
  })
  const jobs = () => (h.queues.sent.get(SubmitUrl) ?? []) as SubmitJob[]

  it('posts the job with this node as reply address and answers with the message id once the verdict is 0', async () => {
    await start()
    const resp = await call(s, 'submit_sm', {
      source_addr: '4930123456',
      destination_addr: '4915112345678',
      short_message: 'hello',
      registered_delivery: 1,
    })
    expect(resp.command_status).toBe(Status.Ok)
    expect(resp.message_id).toMatch(new RegExp(`^[0-9A-Z]{${MessageIdLength}}$`))
    expect(jobs()).toHaveLength(1)
    expect(jobs()[0]).toMatchObject({
      v: 1,
      messageId: resp.message_id,
      accountId: 'acme',
      nodeId: 'node-a',
      replyTo: CallbackUrl,
      async: false,
      command: 'submit_sm',
      sourceAddr: '4930123456',
      destinations: [{ addr: '4915112345678' }],
      text: 'hello',
      parts: 1,
      registeredDelivery: 1,
    })
    expect(jobs()[0].deadline - Date.parse(jobs()[0].receivedAt)).toBe(2_000)
  })

  it('posts the optional fields a submit_sm carries: message_payload and the SAR TLVs (SMPP 3.4 5.3.2.32, 5.3.2.22-24)', async () => {
    await start()
    const payload = Buffer.from('a long text in message_payload')
    const resp = await call(s, 'submit_sm', {
      destination_addr: '4915112345678',
      message_payload: payload,
      sar_msg_ref_num: 7,
      sar_total_segments: 2,
      sar_segment_seqnum: 1,
    })
    expect(resp.command_status).toBe(Status.Ok)
    expect(jobs()[0]).toMatchObject({ messagePayload: payload.toString('base64'), sar: { ref: 7, total: 2, seq: 1 } })
    await call(s, 'submit_sm', { destination_addr: '4915112345678', short_message: 'plain' })
    expect(Object.keys(jobs()[1])).not.toContain('messagePayload')
    expect(Object.keys(jobs()[1])).not.toContain('sar')
  })

  it('answers with the platform code of a refusal verdict', async () => {
    await start({ verdictOf: (job) => (job.destinations[0].addr.startsWith('4900') ? Status.Blacklisted : 0) })
    expect((await call(s, 'submit_sm', { destination_addr: '4900111', short_message: 'x' })).command_status).toBe(Status.Blacklisted)
    expect((await call(s, 'submit_sm', { destination_addr: '4915111', short_message: 'x' })).command_status).toBe(Status.Ok)
  })

  it('answers 0x0400 and 0x0401 without posting anything', async () => {
    await start()
    expect(
      (await call(s, 'submit_sm', { destination_addr: '491', data_coding: 0x05, short_message: Buffer.from('x') })).command_status,
    ).toBe(Status.UnknownDataCoding)
    expect((await call(s, 'submit_sm', { destination_addr: '491', short_message: Buffer.alloc(161, 0x41) })).command_status).toBe(
      Status.TextTooLong,
    )
    expect(jobs()).toHaveLength(0)
  })

  it('takes data_sm and submit_multi through the same bridge', async () => {
    await start()
    const data = await call(s, 'data_sm', { destination_addr: '4915112345678', message_payload: Buffer.from('via payload') })
    expect(data.command).toBe('data_sm_resp')
    expect(data.command_status).toBe(Status.Ok)
    const multi = await call(s, 'submit_multi', {
      dest_address: [
        { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '4915111' },
        { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '4915222' },
      ],
      short_message: 'to two',
    })
    expect(multi.command).toBe('submit_multi_resp')
    expect(multi.command_status).toBe(Status.Ok)
    expect(jobs().map((j) => [j.command, j.destinations.length, j.text])).toEqual([
      ['data_sm', 1, 'via payload'],
      ['submit_multi', 2, 'to two'],
    ])
  })

  // Issue 14: the verdict's refused destinations reach submit_multi_resp's unsuccess_sme (4.5.2).
  it('lists the refused destinations of a submit_multi in unsuccess_sme with their status', async () => {
    await start({
      verdictOf: (job) => ({
        status: Status.Ok,
        unsuccess: job.destinations.filter((d) => d.addr.startsWith('4900')).map((d) => ({ ...d, status: Status.Blacklisted })),
      }),
    })
    const multi = await call(s, 'submit_multi', {
      dest_address: [
        { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '4900111' },
        { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '4915222' },
        { dest_addr_ton: 2, dest_addr_npi: 9, destination_addr: '4900333' },
      ],
      short_message: 'to three',
    })
    expect(multi.command_status).toBe(Status.Ok)
    expect(multi.unsuccess_sme).toEqual([
      { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '4900111', error_status_code: Status.Blacklisted },
      { dest_addr_ton: 2, dest_addr_npi: 9, destination_addr: '4900333', error_status_code: Status.Blacklisted },
    ])
  })

  it('without a verdict by the deadline records the decision 0x0402 first, then answers 0x0402', async () => {
    await start({ verdictOf: () => undefined, smpp: { verdictDeadlineMs: 200 } })
    const resp = await call(s, 'submit_sm', { destination_addr: '491', short_message: 'lost' })
    expect(resp.command_status).toBe(Status.NotRegistered)
    const decision = await h.stores.ledger.decision(jobs()[0].messageId)
    expect(decision).toMatchObject({ messageId: jobs()[0].messageId, status: Status.NotRegistered })
    expect(h.node.metrics.counters.verdictsExpired).toBe(1)
  })

  it("at the deadline answers with the pipeline's decision when the pipeline decided first", async () => {
    let h2: Harness | undefined
    await start({
      smpp: { verdictDeadlineMs: 200 },
      verdictOf: (job) => {
        // The pipeline decided (and charged) but its verdict message never arrived.
        void h2?.stores.ledger.decide({ messageId: job.messageId, status: 0, decidedAt: new Date().toISOString() }, 0)
        return undefined
      },
    })
    h2 = h
    const resp = await call(s, 'submit_sm', { destination_addr: '491', short_message: 'raced' })
    expect(resp.command_status).toBe(Status.Ok)
    expect(resp.message_id).toBe(jobs()[0].messageId)
  })

  it('answers an async-refusal account with status 0 and the id at once, marking the job async', async () => {
    await start({ verdictOf: () => undefined, smpp: { verdictDeadlineMs: 5_000 } })
    const t = await connectClient(h.port)
    expect((await bindTrx(t, 'later', 'pw')).command_status).toBe(Status.Ok)
    const started = Date.now()
    const resp = await call(t, 'submit_sm', { destination_addr: '491', short_message: 'async' })
    expect(resp.command_status).toBe(Status.Ok)
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(jobs()[0]).toMatchObject({ messageId: resp.message_id, async: true, accountId: 'later' })
    t.destroy()
  })

  it('gives every message a distinct id that sorts in submission order', async () => {
    await start()
    const ids: string[] = []
    for (let i = 0; i < 20; i++) ids.push((await call(s, 'submit_sm', { destination_addr: '491', short_message: `m${i}` })).message_id)
    expect(new Set(ids).size).toBe(20)
    expect([...ids].sort()).toEqual(ids)
  })
})
