import { describe, expect, it } from 'vitest'
import { parseReceipt } from '../smpp/receipt'
import { FinalStates, type MessageStateName } from './model'
import { allowedFrom, receiptDeliver, receiptWanted, refundDue, targetState } from './receipts'

const All: MessageStateName[] = ['ACCEPTED', 'ENROUTE', 'DELIVERED', 'EXPIRED', 'DELETED', 'UNDELIVERABLE', 'REJECTED', 'UNKNOWN']

describe('receipt state machine', () => {
  it.each([
    ['DELIVRD', 'DELIVERED'],
    ['delivered', 'DELIVERED'],
    ['UNDELIV', 'UNDELIVERABLE'],
    ['EXPIRED', 'EXPIRED'],
    ['REJECTD', 'REJECTED'],
    ['ENROUTE', 'ENROUTE'],
    ['ACCEPTD', 'ENROUTE'], // the carrier holds it: still on its way
    ['DELETED', 'DELETED'],
    ['garbage', 'UNKNOWN'],
  ])('stat %s moves the message to %s', (stat, state) => {
    expect(targetState(stat)).toBe(state)
  })

  it('never leaves a final state, and ENROUTE only follows ACCEPTED', () => {
    for (const to of All) {
      for (const from of allowedFrom(to)) expect(FinalStates.has(from)).toBe(false)
    }
    expect(allowedFrom('ENROUTE')).toEqual(['ACCEPTED'])
    expect(allowedFrom('DELIVERED')).toEqual(['SCHEDULED', 'ACCEPTED', 'ENROUTE'])
    expect(allowedFrom('ACCEPTED')).toEqual([])
  })
})

describe('refund rules', () => {
  it.each([
    ['UNDELIVERABLE', true, true],
    ['REJECTED', true, true],
    ['EXPIRED', true, true], // issue 14: an expiry follows the failure policy
    ['DELIVERED', true, false],
    ['DELETED', true, false], // cancelled after a carrier took it
    ['UNKNOWN', true, false],
    ['UNDELIVERABLE', false, false], // the account's policy says no
    ['EXPIRED', false, false],
  ] as const)('%s with refundOnFailure=%s refunds: %s', (state, refundOnFailure, expected) => {
    expect(refundDue({ refundOnFailure }, state, { upstreamId: 'sim' })).toBe(expected)
  })

  it('refunds a cancel_sm of a message no carrier was handed, whatever the policy (issue 14)', () => {
    expect(refundDue({ refundOnFailure: false }, 'DELETED', {})).toBe(true)
    expect(refundDue({ refundOnFailure: false }, 'DELETED', { upstreamId: 'sim' })).toBe(false)
  })
})

describe('registered_delivery (SMPP 3.4 5.2.17)', () => {
  it.each([
    [0x00, 'DELIVERED', false],
    [0x00, 'UNDELIVERABLE', false],
    [0x01, 'DELIVERED', true],
    [0x01, 'UNDELIVERABLE', true],
    [0x01, 'ENROUTE', false], // intermediate only with bit 4
    [0x02, 'DELIVERED', false],
    [0x02, 'EXPIRED', true],
    [0x02, 'REJECTED', true],
    [0x03, 'DELIVERED', true],
    [0x03, 'UNDELIVERABLE', false],
    [0x10, 'ENROUTE', true],
    [0x10, 'DELIVERED', false],
    [0x11, 'ENROUTE', true],
    [0x11, 'DELIVERED', true],
    [0x1c, 'DELIVERED', false], // bits 2-3 (SME acknowledgement) ask no SMSC receipt
  ] as const)('0x%s in %s -> %s', (rd, state, expected) => {
    expect(receiptWanted(rd, state)).toBe(expected)
  })
})

describe('the receipt deliver_sm', () => {
  it('carries Appendix B text, esm_class 0x04 and the three TLVs, addressed back to the sender', () => {
    const d = receiptDeliver({
      messageId: 'abc123',
      sourceAddr: '15550001',
      destinationAddr: '447700900001',
      submitDate: new Date('2025-03-01T12:00:00Z'),
      doneDate: new Date('2025-03-01T12:01:30Z'),
      state: 'DELIVERED',
      err: 0,
      text: 'Hello world, this is longer than twenty',
    })
    const text = Buffer.from(d.shortMessage, 'base64').toString('latin1')
    expect(text).toBe(
      'id:abc123 sub:001 dlvrd:001 submit date:2503011200 done date:2503011201 stat:DELIVRD err:000 text:Hello world, this is',
    )
    expect(parseReceipt(text)).toMatchObject({ id: 'abc123', stat: 'DELIVRD' })
    expect(d).toMatchObject({
      kind: 'receipt',
      sourceAddr: '447700900001',
      destinationAddr: '15550001',
      sourceAddrTon: 1,
      esmClass: 0x04,
      dataCoding: 0,
      receiptedMessageId: 'abc123',
      messageState: 2,
      networkErrorCode: '030000',
    })
  })

  it('writes a platform refusal as stat:REJECTD with the code in err: and network_error_code', () => {
    const d = receiptDeliver({
      messageId: 'm1',
      sourceAddr: 'ACME',
      destinationAddr: '447700900001',
      submitDate: new Date('2025-03-01T12:00:00Z'),
      doneDate: new Date('2025-03-01T12:00:00Z'),
      state: 'REJECTED',
      err: 0x0446,
      text: 'hi € there', // € is in the GSM extension table and survives; data_coding 0
    })
    const text = Buffer.from(d.shortMessage, 'base64')
    expect(text.toString('latin1')).toContain('stat:REJECTD err:446 text:hi ')
    expect(d).toMatchObject({ destinationAddr: 'ACME', destAddrTon: 5, destAddrNpi: 0, messageState: 8, networkErrorCode: '030446' })
  })
})
