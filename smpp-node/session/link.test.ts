import { describe, expect, it } from 'vitest'
import { CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import { duplexPair } from '../testing/duplex-pair'
import { FakeClock } from '../testing/fake-clock'
import { WireClient } from '../testing/wire-client'
import { type LinkOwner, ResponseTimeout, SmppLink } from './link'

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex')

// The engine both our server's sessions and our binds to carriers run on, with an owner that records what it hears.
const open = (idleMs = 0) => {
  const clock = new FakeClock()
  const heard = { requests: [] as Pdu[], timeouts: [] as number[], idle: 0, closed: [] as string[] }
  const owner: LinkOwner = {
    onRequest: (pdu) => heard.requests.push(pdu),
    knows: (id) => id === CommandId.SubmitSm,
    onResponseTimeout: (id) => heard.timeouts.push(id),
    onIdle: () => heard.idle++,
    onClosed: (reason) => heard.closed.push(reason.message),
  }
  const [ours, theirs] = duplexPair()
  const link = new SmppLink(ours, owner, { clock, responseTimeoutMs: 1000, idleMs })
  return { clock, heard, link, peer: new WireClient(theirs) }
}

describe('SmppLink', () => {
  it('numbers requests from 1 and resolves each with the response of its sequence, in any order', async () => {
    const { link, peer } = open()
    const a = link.request(CommandId.EnquireLink)
    const b = link.request(CommandId.EnquireLink)
    expect([(await peer.next()).sequence, (await peer.next()).sequence]).toEqual([1, 2])
    peer.send({ commandId: CommandId.EnquireLinkResp, status: 0, sequence: 2, body: {} })
    peer.send({ commandId: CommandId.EnquireLinkResp, status: Status.SysErr, sequence: 1, body: {} })
    expect((await a).status).toBe(Status.SysErr)
    expect((await b).status).toBe(Status.Ok)
    expect(link.inFlight).toBe(0)
  })

  it('rejects an unanswered request with ResponseTimeout and tells the owner', async () => {
    const { clock, heard, link } = open()
    const r = link.request(CommandId.Unbind).catch((e) => e)
    await clock.advance(1000)
    expect(await r).toBeInstanceOf(ResponseTimeout)
    expect(heard.timeouts).toEqual([CommandId.Unbind])
  })

  it('answers an undecodable known request with its own _resp, an unknown one with generic_nack (section 3.3)', async () => {
    const { peer, heard } = open()
    peer.send(hex('00000011 00000004 00000000 00000005 00')) // submit_sm cut short
    peer.send(hex('00000010 00000099 00000000 00000006'))
    expect(await peer.next()).toMatchObject({ commandId: CommandId.SubmitSmResp, sequence: 5 })
    expect(await peer.next()).toMatchObject({ commandId: CommandId.GenericNack, status: Status.InvCmdId, sequence: 6 })
    expect(heard.requests).toEqual([])
  })

  it('nacks an unframeable command_length and closes, failing what is outstanding', async () => {
    const { peer, link, heard } = open()
    const r = link.request(CommandId.EnquireLink).catch((e: Error) => e.message)
    await peer.next()
    peer.send(hex('00000008 00000015 00000000 00000003'))
    expect(await peer.next()).toMatchObject({ commandId: CommandId.GenericNack, status: Status.InvCmdLen })
    expect(await r).toMatch(/unframeable/)
    expect(heard.closed).toHaveLength(1)
  })

  it('calls the owner idle after the keep-alive interval without input, not while the peer talks', async () => {
    const { clock, heard, peer } = open(500)
    await clock.advance(400)
    peer.send({ commandId: CommandId.EnquireLink, status: 0, sequence: 9, body: {} })
    await clock.advance(400)
    expect(heard.idle).toBe(0)
    await clock.advance(200)
    expect(heard.idle).toBe(1)
  })
})
