import { describe, expect, it } from 'vitest'
import type { DispatchJob } from '../../lib/domain/jobs'
import { smppSettingsOf } from '../../lib/domain/upstream-smpp'
import { readPart } from '../../lib/encoding/segments'
import { concatUdh } from '../../lib/encoding/udh'
import { outgoingFor } from './segments'

const settings = (smpp: Record<string, unknown> = {}) =>
  smppSettingsOf({ upstreamId: 'u', kind: 'smpp', timeoutMs: 1_000, smpp: { host: 'h', systemId: 's', ...smpp } })

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64')
const job = (overrides: Partial<DispatchJob> = {}): DispatchJob => ({
  v: 1,
  messageId: 'm1',
  accountId: 'acme',
  sourceAddr: 'ACME',
  sourceAddrTon: 0,
  sourceAddrNpi: 0,
  destinationAddr: '447700900001',
  destAddrTon: 0,
  destAddrNpi: 0,
  esmClass: 0,
  dataCoding: 0,
  registeredDelivery: 0,
  shortMessage: b64('hello'),
  upstreams: ['u'],
  attempt: 0,
  ...overrides,
})
const long = 'x'.repeat(300) // GSM 7-bit: 2 parts of 153 + 147 septets

describe('outgoingFor', () => {
  it('sends a short message as it is, asking for the final receipt, with TON/NPI for 0/0 addresses', () => {
    const [only, ...rest] = outgoingFor(job({ registeredDelivery: 0x10 }), settings({ addrTon: 2, addrNpi: 9 }))
    expect(rest).toEqual([])
    expect(only.body).toMatchObject({
      sourceAddr: 'ACME',
      sourceAddrTon: 5, // alphanumeric
      sourceAddrNpi: 0,
      destAddrTon: 2,
      destAddrNpi: 9,
      registeredDelivery: 0x11, // final receipt always; the client's intermediate bit kept
      shortMessage: Buffer.from('hello'),
      dataCoding: 0,
    })
  })

  it('maps GSM default-alphabet data_coding to the upstream value and leaves others', () => {
    expect(outgoingFor(job(), settings({ dataCoding: 1 }))[0].body.dataCoding).toBe(1)
    expect(
      outgoingFor(job({ dataCoding: 8, shortMessage: b64(Buffer.from('0068', 'hex')) }), settings({ dataCoding: 1 }))[0].body.dataCoding,
    ).toBe(8)
  })

  it('splits a message_payload message into UDH parts for a udh upstream, the receipt on the last', () => {
    const parts = outgoingFor(job({ shortMessage: '', messagePayload: b64(long) }), settings({ longMessages: 'udh' }))
    expect(parts.map((p) => [p.body.esmClass, p.body.registeredDelivery, p.parts])).toEqual([
      [0x40, 0, 1],
      [0x40, 1, 1],
    ])
    const read = parts.map((p) => readPart(p.body)!)
    expect(read.map((r) => r.concat && [r.concat.scheme, r.concat.total, r.concat.seq])).toEqual([
      ['udh8', 2, 1],
      ['udh8', 2, 2],
    ])
    expect(read[0].concat!.reference).toBe(read[1].concat!.reference)
    expect(Buffer.concat(read.map((r) => r.payload)).toString()).toBe(long)
  })

  it('splits into SAR parts for a sar upstream and keeps message_payload for a payload upstream', () => {
    const sar = outgoingFor(job({ shortMessage: '', messagePayload: b64(long) }), settings({ longMessages: 'sar' }))
    expect(sar.map((p) => [p.body.esmClass, p.body.sarTotalSegments, p.body.sarSegmentSeqnum])).toEqual([
      [0, 2, 1],
      [0, 2, 2],
    ])
    const [payload, ...none] = outgoingFor(job({ shortMessage: '', messagePayload: b64(long) }), settings({ longMessages: 'payload' }))
    expect(none).toEqual([])
    expect(payload).toMatchObject({ parts: 2, body: { shortMessage: Buffer.alloc(0), messagePayload: Buffer.from(long) } })
  })

  it('turns a client SAR part into a UDH part for a udh upstream', () => {
    const [part] = outgoingFor(job({ shortMessage: b64('abc'), sar: { ref: 7, total: 3, seq: 2 } }), settings())
    expect(part.body.esmClass).toBe(0x40)
    expect(part.body.shortMessage).toEqual(Buffer.concat([concatUdh({ reference: 7, total: 3, seq: 2, bits: 8 }), Buffer.from('abc')]))
    expect(part.body.sarMsgRefNum).toBeUndefined()
  })

  it('keeps a SAR part as SAR when the UDH would not fit in one SMS', () => {
    const [part] = outgoingFor(job({ shortMessage: b64('y'.repeat(160)), sar: { ref: 7, total: 3, seq: 2 } }), settings())
    expect(part.body).toMatchObject({ esmClass: 0, sarMsgRefNum: 7, sarTotalSegments: 3, sarSegmentSeqnum: 2 })
  })

  it('turns a client concat-UDH part into SAR TLVs for a sar upstream', () => {
    const udhPart = Buffer.concat([concatUdh({ reference: 0x1234, total: 2, seq: 1, bits: 16 }), Buffer.from('abc')])
    const [part] = outgoingFor(job({ esmClass: 0x40, shortMessage: b64(udhPart) }), settings({ longMessages: 'sar' }))
    expect(part.body).toMatchObject({
      esmClass: 0,
      shortMessage: Buffer.from('abc'),
      sarMsgRefNum: 0x1234,
      sarTotalSegments: 2,
      sarSegmentSeqnum: 1,
    })
  })
})

describe('outgoingFor a text re-encoded with national shift tables (issue 17)', () => {
  const reencoded = job({ shortMessage: '', messagePayload: b64(Buffer.alloc(200, 0x07)), shift: { locking: 1, single: 0 } })

  it('repeats the locking shift IE after the concatenation IE in every UDH part', () => {
    const out = outgoingFor(reencoded, settings())
    expect(
      out.map((o) => [
        o.body.esmClass,
        o.body.shortMessage.subarray(0, 3).toString('hex'),
        o.body.shortMessage.subarray(4, 9).toString('hex'),
      ]),
    ).toEqual([
      [0x40, '080003', '0201250101'],
      [0x40, '080003', '0202250101'],
    ])
  })

  it('puts the IE in each SAR part of its own UDH', () => {
    const out = outgoingFor(reencoded, settings({ longMessages: 'sar' }))
    expect(out.map((o) => [o.body.esmClass, o.body.shortMessage.subarray(0, 4).toString('hex'), o.body.sarSegmentSeqnum])).toEqual([
      [0x40, '03250101', 1],
      [0x40, '03250101', 2],
    ])
  })
})
