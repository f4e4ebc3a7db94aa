import { afterEach, describe, expect, it } from 'vitest'
import { memoryStores } from '../../lib/adapters/memory'
import { CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import { SmppNode } from '../node/node'
import { testAccount } from '../testing/accounts'
import { duplexPair } from '../testing/duplex-pair'
import { FakeClock } from '../testing/fake-clock'
import { testSettings, until } from '../testing/harness'
import { MemoryQueues } from '../testing/memory-queues'
import { WireClient } from '../testing/wire-client'
import type { Connection } from './connection'

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex')
const pdu = (commandId: number, sequence: number, body: object = {}): Pdu => ({
  commandId,
  status: 0,
  sequence,
  body: body as Record<string, unknown>,
})
const bindBody = { systemId: 'acme', password: 'pw', systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' }
const submitBody = {
  serviceType: '',
  sourceAddrTon: 1,
  sourceAddrNpi: 1,
  sourceAddr: '4930',
  destAddrTon: 1,
  destAddrNpi: 1,
  destinationAddr: '4915112345678',
  esmClass: 0,
  protocolId: 0,
  priorityFlag: 0,
  scheduleDeliveryTime: '',
  validityPeriod: '',
  registeredDelivery: 0,
  replaceIfPresentFlag: 0,
  dataCoding: 0,
  smDefaultMsgId: 0,
  shortMessage: Buffer.from('hi'),
}

// Connection-level rules over an in-memory stream, with time stepped forward instead of slept.
describe('connection', () => {
  let node: SmppNode
  let clock: FakeClock
  afterEach(async () => {
    await node?.close()
  })

  const open = async (smpp: Parameters<typeof testSettings>[0] = {}) => {
    clock = new FakeClock()
    const stores = memoryStores({ now: () => new Date(clock.now()) })
    await stores.accounts.create(testAccount('acme', 'pw'))
    // No pipeline behind the submit queue: verdicts never come, so the deadline path answers.
    node = new SmppNode({ settings: testSettings(smpp), stores, queues: new MemoryQueues(), clock })
    const [server, client] = duplexPair()
    const conn: Connection = node.accept(server, { address: '127.0.0.1', port: 40000 })
    return { conn, peer: new WireClient(client) }
  }
  const bound = async (smpp: Parameters<typeof testSettings>[0] = {}) => {
    const o = await open(smpp)
    o.peer.send(pdu(CommandId.BindTransceiver, 1, bindBody))
    const resp = await o.peer.next()
    expect(resp).toMatchObject({ commandId: CommandId.BindTransceiverResp, status: Status.Ok, sequence: 1 })
    return o
  }

  it('answers an unsupported command_id with generic_nack ESME_RINVCMDID and keeps the session', async () => {
    const { peer } = await open()
    peer.send(hex('00000010 00000099 00000000 00000007'))
    expect(await peer.next()).toEqual({ commandId: CommandId.GenericNack, status: Status.InvCmdId, sequence: 7, body: {} })
    peer.send(pdu(CommandId.EnquireLink, 8))
    expect(await peer.next()).toMatchObject({ commandId: CommandId.EnquireLinkResp, status: Status.Ok, sequence: 8 })
    expect(peer.closed).toBe(false)
  })

  it('answers a frame that cannot be framed with generic_nack, then closes', async () => {
    const { peer } = await open()
    peer.send(hex('00000008 00000015 00000000 00000003'))
    expect(await peer.next()).toMatchObject({ commandId: CommandId.GenericNack, status: Status.InvCmdLen })
    await until(() => peer.closed, 2000, 'close')
  })

  it("answers a known command whose body cannot be decoded with that command's resp, and keeps the session", async () => {
    const { peer } = await bound()
    // submit_sm whose body stops after service_type: the codec reports the field it missed.
    peer.send(hex('00000012 00000004 00000000 00000009 0000'))
    const resp = await peer.next()
    expect(resp.commandId).toBe(CommandId.SubmitSmResp)
    expect(resp.sequence).toBe(9)
    expect(resp.status).not.toBe(Status.Ok)
    peer.send(pdu(CommandId.EnquireLink, 10))
    expect(await peer.next()).toMatchObject({ commandId: CommandId.EnquireLinkResp, sequence: 10 })
  })

  it('closes a connection that does not bind within the bind timeout', async () => {
    const { peer } = await open({ bindTimeoutMs: 10_000 })
    await clock.advance(9_999)
    expect(peer.closed).toBe(false)
    await clock.advance(1)
    await until(() => peer.closed, 2000, 'close')
    expect(peer.received).toEqual([]) // closed without a word: there is no session to unbind
  })

  it('sends enquire_link when the link is idle, and keeps a session that answers', async () => {
    const { peer } = await bound({ enquireLinkIntervalMs: 30_000, responseTimeoutMs: 60_000 })
    await clock.advance(29_000)
    expect(await peer.quiet()).toBe(true)
    await clock.advance(1_000)
    const ping = await peer.next()
    expect(ping.commandId).toBe(CommandId.EnquireLink)
    peer.send({ commandId: CommandId.EnquireLinkResp, status: 0, sequence: ping.sequence, body: {} })
    await clock.advance(60_000)
    expect(peer.closed).toBe(false)
  })

  it('postpones enquire_link while the peer is talking', async () => {
    const { peer } = await bound({ enquireLinkIntervalMs: 30_000 })
    await clock.advance(20_000)
    peer.send(pdu(CommandId.EnquireLink, 2))
    expect((await peer.next()).commandId).toBe(CommandId.EnquireLinkResp)
    await clock.advance(20_000) // 40 s since bind, 20 s since the peer spoke
    expect(await peer.quiet()).toBe(true)
    await clock.advance(10_000)
    expect((await peer.next()).commandId).toBe(CommandId.EnquireLink)
  })

  it('disconnects without unbind a peer that leaves enquire_link unanswered for the response timeout', async () => {
    const { peer } = await bound({ enquireLinkIntervalMs: 30_000, responseTimeoutMs: 60_000 })
    await clock.advance(30_000)
    expect((await peer.next()).commandId).toBe(CommandId.EnquireLink)
    await clock.advance(59_999)
    expect(peer.closed).toBe(false)
    await clock.advance(1)
    await until(() => peer.closed, 2000, 'close')
    expect(peer.received.map((p) => p.commandId)).not.toContain(CommandId.Unbind)
  })

  it('answers unbind with unbind_resp and then closes the socket', async () => {
    const { peer } = await bound()
    peer.send(pdu(CommandId.Unbind, 5))
    expect(await peer.next()).toMatchObject({ commandId: CommandId.UnbindResp, status: Status.Ok, sequence: 5 })
    await until(() => peer.closed, 2000, 'close')
  })

  it('answers requests over the window with ESME_RMSGQFUL, and the waiting ones at the verdict deadline', async () => {
    const { peer } = await bound({ windowSize: 2, verdictDeadlineMs: 5_000 })
    for (const seq of [11, 12, 13]) peer.send(pdu(CommandId.SubmitSm, seq, submitBody))
    expect(await peer.next()).toMatchObject({ commandId: CommandId.SubmitSmResp, status: Status.MsgQFul, sequence: 13 })
    expect(await peer.quiet()).toBe(true)
    await clock.advance(5_000)
    const late = [await peer.next(), await peer.next()]
    expect(late.map((p) => [p.sequence, p.status])).toEqual([
      [11, Status.NotRegistered],
      [12, Status.NotRegistered],
    ])
    // The window is free again.
    peer.send(pdu(CommandId.EnquireLink, 14))
    expect(await peer.next()).toMatchObject({ commandId: CommandId.EnquireLinkResp, status: Status.Ok })
  })

  it('refuses submits on a receiver session with ESME_RINVBNDSTS', async () => {
    const { peer } = await open()
    peer.send(pdu(CommandId.BindReceiver, 1, bindBody))
    expect((await peer.next()).status).toBe(Status.Ok)
    peer.send(pdu(CommandId.SubmitSm, 2, submitBody))
    expect(await peer.next()).toMatchObject({ commandId: CommandId.SubmitSmResp, status: Status.InvBndSts })
  })
})
