import { describe, expect, it } from 'vitest'
import type { DeliverSm } from '../../lib/smpp/pdu'
import { UnreadableReceipt, upstreamEventOf } from './inbound'

const now = new Date('2025-03-01T12:00:00.000Z')
const deliver = (overrides: Partial<DeliverSm>): DeliverSm => ({
  serviceType: '',
  sourceAddrTon: 1,
  sourceAddrNpi: 1,
  sourceAddr: '447700900001',
  destAddrTon: 1,
  destAddrNpi: 1,
  destinationAddr: 'ACME',
  esmClass: 0x04,
  protocolId: 0,
  priorityFlag: 0,
  scheduleDeliveryTime: '',
  validityPeriod: '',
  registeredDelivery: 0,
  replaceIfPresentFlag: 0,
  dataCoding: 0,
  smDefaultMsgId: 0,
  shortMessage: Buffer.alloc(0),
  ...overrides,
})
const as = { messageIdType: 'as-is' } as const

describe('upstreamEventOf', () => {
  it('reads a failed receipt: err digits kept as the platform writes them back, done date, network_error_code', () => {
    const text = 'id:7f3 sub:001 dlvrd:000 submit date:2503011159 done date:2503011200 stat:UNDELIV err:0A1 text:hi'
    const event = upstreamEventOf(
      deliver({ shortMessage: Buffer.from(text), networkErrorCode: Buffer.from('030001', 'hex') }),
      'c',
      as,
      now,
    )
    expect(event).toEqual({
      type: 'receipt',
      upstreamId: 'c',
      upstreamMessageId: '7f3',
      stat: 'UNDELIV',
      err: 0x0a1,
      doneAt: '2025-03-01T12:00:00.000Z',
      networkErrorCode: '030001',
    })
  })

  it('reads an intermediate notification (esm_class 0x20) from message_state alone', () => {
    expect(upstreamEventOf(deliver({ esmClass: 0x20, receiptedMessageId: 'X1', messageState: 1 }), 'c', as, now)).toMatchObject({
      type: 'receipt',
      upstreamMessageId: 'X1',
      stat: 'ENROUTE',
      err: 0,
      doneAt: now.toISOString(),
    })
  })

  it('takes the MO text from message_payload when present', () => {
    const event = upstreamEventOf(deliver({ esmClass: 0, dataCoding: 8, messagePayload: Buffer.from('00480069', 'hex') }), 'c', as, now)
    expect(event).toEqual({
      type: 'mo',
      upstreamId: 'c',
      sourceAddr: '447700900001',
      destinationAddr: 'ACME',
      dataCoding: 8,
      shortMessage: Buffer.from('00480069', 'hex').toString('base64'),
      receivedAt: now.toISOString(),
    })
  })

  // Issue 14: a part of a long MO keeps its UDH (UDHI) or its SAR TLVs.
  it('keeps the esm_class of an MO with a UDH and the SAR TLVs of a part', () => {
    const udh = Buffer.from('050003070201416c6c', 'hex')
    expect(upstreamEventOf(deliver({ esmClass: 0x40, shortMessage: udh }), 'c', as, now)).toMatchObject({
      type: 'mo',
      esmClass: 0x40,
      shortMessage: udh.toString('base64'),
    })
    const sar = deliver({ esmClass: 0, shortMessage: Buffer.from('part'), sarMsgRefNum: 300, sarTotalSegments: 2, sarSegmentSeqnum: 2 })
    expect(upstreamEventOf(sar, 'c', as, now)).toMatchObject({ type: 'mo', sar: { ref: 300, total: 2, seq: 2 } })
    expect(upstreamEventOf(sar, 'c', as, now)).not.toHaveProperty('esmClass')
  })

  it('refuses a receipt without an id', () => {
    expect(() => upstreamEventOf(deliver({ shortMessage: Buffer.from('stat:DELIVRD') }), 'c', as, now)).toThrow(UnreadableReceipt)
  })
})
