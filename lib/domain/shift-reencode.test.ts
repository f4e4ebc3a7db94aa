import { describe, expect, it } from 'vitest'
import { DataCoding } from '../encoding/data-coding'
import { decodeWith } from '../encoding/gsm7-tables'
import { NationalLanguage as L } from '../encoding/national-language'
import { independentParts, ShiftSamples } from '../encoding/shift-samples'
import { ucs2Encode } from '../encoding/ucs2'
import type { DispatchJob } from './jobs'
import type { Upstream } from './model'
import { billingFor, jobForUpstream, reencodingFor } from './shift-reencode'

const samples = ShiftSamples

const http = (shiftTables?: number[]): Upstream => ({
  upstreamId: 'up',
  kind: 'http',
  url: 'http://127.0.0.1:1/',
  timeoutMs: 500,
  shiftTables,
})
const ucs2 = (text: string) => ({ dataCoding: DataCoding.Ucs2, esmClass: 0, text })

describe('reencodingFor (issue 17)', () => {
  it.each(samples)('%s as UCS2 to an upstream with the flag: GSM 7-bit in fewer parts, counted as the smpp package does', (_, id, text) => {
    const r = reencodingFor(ucs2(text), http([L.Turkish, L.Spanish, L.Portuguese]))!
    expect(r).not.toBeNull()
    expect(r.ucs2Parts).toBe(Math.ceil(text.length / 67))
    expect(r.parts).toBeLessThan(r.ucs2Parts)
    // Only the sample's own language is used; the septets read back as the text with those tables.
    expect([0, id]).toContain(r.tables.locking)
    expect([0, id]).toContain(r.tables.single)
    expect(decodeWith(r.septets, r.tables)).toBe(text)
    const ies = (r.tables.locking ? 1 : 0) + (r.tables.single ? 1 : 0)
    expect(r.parts).toBe(independentParts(text, id, ies))
  })

  it.each(samples)('%s stays UCS2 towards an upstream without the flag', (_, _id, text) => {
    expect(reencodingFor(ucs2(text), http())).toBeNull()
    expect(reencodingFor(ucs2(text), http([]))).toBeNull()
    expect(billingFor({ ...ucs2(text), parts: 3 }, http())).toEqual({ parts: 3, partsSaved: 0 })
  })

  it('leaves alone what the platform cannot re-split: a UDH or SAR part of the ESME, binary, 8-bit, one UCS2 part', () => {
    const [, , text] = samples[0]
    const up = http([L.Turkish])
    expect(reencodingFor({ ...ucs2(text), esmClass: 0x40 }, up)).toBeNull()
    expect(reencodingFor({ ...ucs2(text), sar: { ref: 1, total: 2, seq: 1 } }, up)).toBeNull()
    expect(reencodingFor({ ...ucs2(text), dataCoding: 0x04 }, up)).toBeNull()
    expect(reencodingFor({ ...ucs2(text), dataCoding: 0x03 }, up)).toBeNull()
    expect(reencodingFor(ucs2('Günaydın, nasılsınız?'), up)).toBeNull() // 1 UCS2 part: nothing to save
  })

  it('re-encodes towards an SMPP upstream that splits with UDH or SAR, never towards one that wants message_payload', () => {
    const [, , text] = samples[0]
    const smpp = (longMessages: string): Upstream => ({
      upstreamId: 's',
      kind: 'smpp',
      timeoutMs: 500,
      shiftTables: [1],
      smpp: { host: '127.0.0.1', port: 1, systemId: 'x', password: 'y', longMessages },
    })
    expect(reencodingFor(ucs2(text), smpp('udh'))?.parts).toBe(2)
    expect(reencodingFor(ucs2(text), smpp('sar'))?.parts).toBe(2)
    expect(reencodingFor(ucs2(text), smpp('payload'))).toBeNull()
  })

  it('bills the parts the upstream receives and counts the UCS2 parts saved', () => {
    const [, , text] = samples[1]
    expect(billingFor({ ...ucs2(text), parts: 3 }, http([L.Spanish]))).toEqual({ parts: 2, partsSaved: 1 })
  })
})

describe('jobForUpstream (issue 17)', () => {
  const [, , text] = samples[0]
  const job: DispatchJob = {
    v: 1,
    messageId: 'm-1',
    accountId: 'a',
    sourceAddr: 'ACME',
    sourceAddrTon: 5,
    sourceAddrNpi: 0,
    destinationAddr: '905321234567',
    destAddrTon: 1,
    destAddrNpi: 1,
    esmClass: 0,
    dataCoding: DataCoding.Ucs2,
    registeredDelivery: 1,
    shortMessage: '',
    messagePayload: ucs2Encode(text).toString('base64'),
    upstreams: ['up'],
    attempt: 0,
  }

  it('gives the upstream with the flag the septets and their tables, the same decision the submit billed', () => {
    const out = jobForUpstream(job, http([L.Turkish]))
    expect(out).toMatchObject({ dataCoding: 0, shortMessage: '', shift: { locking: L.Turkish, single: 0 } })
    expect(decodeWith(Buffer.from(out.messagePayload!, 'base64'), out.shift!)).toBe(text)
  })

  it('gives an upstream without the flag (a failover) the job as the ESME sent it', () => {
    expect(jobForUpstream(job, http())).toBe(job)
  })

  it('turns a re-encoded job the SMPP pool put back for failover into the UCS2 the ESME sent', () => {
    const reencoded = jobForUpstream(job, http([L.Turkish]))
    expect(jobForUpstream(reencoded, http())).toEqual(job)
    expect(jobForUpstream(reencoded, http([L.Turkish]))).toEqual(reencoded)
  })
})
