import { describe, expect, it } from 'vitest'
import { memoryCompat } from '../../lib/adapters/memory/compat'
import { compatFindings } from '../../lib/domain/compat-rules'
import { CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import type { Session } from '../session/session'
import { testAccount } from '../testing/accounts'
import { FakeClock } from '../testing/fake-clock'
import { CompatObserver } from './compat-observer'
import { silentLog } from './log'

const pdu = (commandId: number, sequence: number, body: Record<string, unknown> = {}, status = 0): Pdu => ({
  commandId,
  status,
  sequence,
  body,
})
const submit = (seq: number, patch: Record<string, unknown> = {}) =>
  pdu(CommandId.SubmitSm, seq, { dataCoding: 0, esmClass: 0, registeredDelivery: 1, shortMessage: Buffer.from('hi'), ...patch })

function setup() {
  const clock = new FakeClock(Date.UTC(2026, 11, 1, 10))
  const store = memoryCompat()
  const observer = new CompatObserver({
    store,
    clock,
    log: silentLog,
    nodeId: 'n1',
    windowSize: 100,
    responseTimeoutMs: 60_000,
    flushMs: 5_000,
  })
  const session = {
    id: 's1',
    remote: { address: '10.0.0.7', port: 1 },
    account: testAccount('acme', 'pw', { speed: 2 }),
    bindType: 'transceiver',
  } as unknown as Session
  const seen = (direction: 'in' | 'out', p: Pdu) => observer.pdu(session, direction, p.commandId, p.status, p)
  seen('in', pdu(CommandId.BindTransceiver, 1, { systemId: 'acme', systemType: 'VMA', interfaceVersion: 0x34, addrTon: 1, addrNpi: 1 }))
  seen('out', pdu(CommandId.BindTransceiverResp, 1, { systemId: 'SMSC' }))
  return { clock, store, observer, session, seen }
}

describe('CompatObserver (issue 19)', () => {
  it('tallies a session and writes it only at the flush, not per PDU', async () => {
    const { clock, store, observer, seen } = setup()
    observer.start()
    // Three submits in one second at a speed of 2: two accepted, one throttled; window 3 used.
    for (const seq of [2, 3, 4]) seen('in', submit(seq))
    seen('out', pdu(CommandId.SubmitSmResp, 2, { messageId: 'a' }))
    seen('out', pdu(CommandId.SubmitSmResp, 3, { messageId: 'b' }))
    seen('out', pdu(CommandId.SubmitSmResp, 4, {}, Status.Throttled))
    // Latin-1 octets as data_coding 0, and a UCS2 message with a concatenation UDH.
    seen('in', submit(5, { shortMessage: Buffer.from('café', 'latin1') }))
    seen('in', submit(6, { dataCoding: 8, esmClass: 0x40, shortMessage: Buffer.from('050003010201004100', 'hex'), registeredDelivery: 0 }))
    expect(await store.recentSessions('acme', 5)).toEqual([])

    await clock.advance(5_000)
    const [o] = await store.recentSessions('acme', 5)
    expect(o).toMatchObject({
      bind: { mode: 'transceiver', interfaceVersion: 0x34, systemType: 'VMA', addrTon: 1, addrNpi: 1 },
      submits: 5,
      accepted: 2,
      throttled: 1,
      maxOutstanding: 3,
      peakPerSec: 2,
      dataCodings: { '0': 4, '8': 1 },
      badEncodings: { 'data_coding 0 carrying bytes outside GSM 03.38': 1 },
      udh: 1,
      registeredDelivery: { '1': 4, '0': 1 },
      timeline: [{ t: Date.UTC(2026, 11, 1, 10) / 1000, submitted: 5, accepted: 2, throttled: 1 }],
    })
    expect(compatFindings(o).find((f) => f.check === 'data_coding')?.level).toBe('fail')
    await observer.stop()
  })

  it('measures deliver_sm_resp latency by sequence and records how the session ended', async () => {
    const { clock, store, observer, session, seen } = setup()
    seen('out', pdu(CommandId.DeliverSm, 10))
    seen('out', pdu(CommandId.DeliverSm, 11))
    await clock.advance(40)
    seen('in', pdu(CommandId.DeliverSmResp, 10))
    await clock.advance(2_960)
    seen('in', pdu(CommandId.DeliverSmResp, 11, {}, Status.SysErr))
    seen('in', pdu(CommandId.EnquireLink, 12))
    seen('out', pdu(CommandId.GenericNack, 13, {}, Status.InvCmdId))
    observer.closed(session)
    await observer.flush()
    const [o] = await store.recentSessions('acme', 1)
    expect(o).toMatchObject({
      delivers: 2,
      deliverFailed: 1,
      deliverMaxMs: 3_000,
      enquireLinks: 1,
      maxEnquireGapMs: 3_000,
      nacksOut: 1,
      end: 'drop',
    })
    expect(o.endedAt).toBe(new Date(clock.now()).toISOString())
    const late = compatFindings(o).find((f) => f.check === 'deliver_sm_resp')
    expect(late).toMatchObject({ level: 'warn', detail: expect.stringContaining('deliver_sm answered after 3 s') })
    // An ended session is written once more, then forgotten: nothing changes at the next flush.
    await observer.flush()
    expect(await store.recentSessions('acme', 5)).toHaveLength(1)
  })

  it('a deliver_sm left unanswered is a timeout end; an unbind from the peer is a clean end', async () => {
    const a = setup()
    a.seen('out', pdu(CommandId.DeliverSm, 10))
    a.observer.responseTimeout(a.session, CommandId.DeliverSm)
    a.observer.closed(a.session)
    await a.observer.flush()
    expect((await a.store.recentSessions('acme', 1))[0]).toMatchObject({ deliverTimeouts: 1, end: 'timeout' })
    const b = setup()
    b.seen('in', pdu(CommandId.Unbind, 5))
    b.observer.closed(b.session)
    await b.observer.flush()
    expect((await b.store.recentSessions('acme', 1))[0]).toMatchObject({ end: 'unbind' })
  })

  it('does not watch a session whose bind failed', async () => {
    const { observer, store, session } = setup()
    const other = { ...session, id: 's2' } as Session
    observer.pdu(other, 'in', CommandId.BindTransmitter, 0, pdu(CommandId.BindTransmitter, 1, { systemId: 'acme' }))
    observer.pdu(other, 'out', CommandId.BindTransmitterResp, Status.InvPaswd, pdu(CommandId.BindTransmitterResp, 1, {}, Status.InvPaswd))
    await observer.flush()
    expect((await store.recentSessions('acme', 5)).map((o) => o.sessionId)).toEqual(['s1'])
  })
})
