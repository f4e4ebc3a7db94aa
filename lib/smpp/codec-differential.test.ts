/**
 * Differential tests against the npm package `smpp` (0.5.1), a codec ESMEs in the wild actually use:
 * what we encode it decodes with equal fields, what it encodes we decode with equal fields, and where both
 * encode the same field set the bytes are identical.
 *
 * Normalised differences of that package: it decodes short_message/message_payload as text by data_coding
 * (we keep data_coding on a binary value, 0xX4, and UDHI off, so it hands back the octets), turns non-empty
 * times into Date objects (times are empty here), reads C-strings as 7-bit ASCII (characters are 1..127),
 * calls destination_port `dest_port`, treats ms_validity as an octet string and callback_num_pres_ind as a
 * repeatable list, parses callback_num/callback_num_atag into objects (left out), cannot encode unknown TLVs,
 * and encodes alert_on_message_delivery with one octet (the zero-length form is left out).
 */
import fc from 'fast-check'
import smpp, { type PDU } from 'smpp'
import { commandsById, tlvsById } from 'smpp/lib/defs.js'
import { describe, expect, it } from 'vitest'
import { bodyArbs, pduArb } from './arbitraries'
import { commandName, decode, encode } from './codec'
import { CommandId, type DestAddress, type Pdu, type UnknownTlv, type UnsuccessSme } from './pdu'

const snake = (k: string): string => (k === 'destinationPort' ? 'dest_port' : k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()))

/** Our body as `smpp` PDU options. */
const toTheirs = (body: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(body)) {
    if (k === 'unknownTlvs') continue
    else if (k === 'dests')
      out.dest_address = (v as DestAddress[]).map((d) =>
        d.destFlag === 1
          ? { dest_addr_ton: d.destAddrTon, dest_addr_npi: d.destAddrNpi, destination_addr: d.destinationAddr }
          : { dl_name: d.dlName },
      )
    else if (k === 'unsuccessSmes')
      out.unsuccess_sme = (v as UnsuccessSme[]).map((u) => ({
        dest_addr_ton: u.destAddrTon,
        dest_addr_npi: u.destAddrNpi,
        destination_addr: u.destinationAddr,
        error_status_code: u.errorStatusCode,
      }))
    else if (k === 'msValidity') out.ms_validity = Buffer.from([v as number])
    else if (k === 'callbackNumPresInd') out.callback_num_pres_ind = [v]
    else out[snake(k)] = v
  }
  return out
}

/** A field as that package decoded it, with its text decoding undone. */
const theirValue = (pdu: PDU, key: string): unknown => {
  const v = pdu[key] as { message?: unknown; udh?: unknown } | undefined
  if ((key === 'short_message' || key === 'message_payload') && v && !Buffer.isBuffer(v) && v.udh === undefined) return v.message
  return v
}

const theirTlvTags = new Set(Object.keys(tlvsById).map(Number))
const timeFields = ['scheduleDeliveryTime', 'validityPeriod', 'finalDate']

/** Keeps a random PDU within what `smpp` represents faithfully (see the file comment). */
const comparable = (pdu: Pdu, keepUnknown: boolean): Pdu => {
  const b: Record<string, unknown> = { ...pdu.body }
  for (const k of timeFields) if (k in b) b[k] = ''
  if ('dataCoding' in b) b.dataCoding = ((b.dataCoding as number) & 0xf0) | 0x04
  if ('esmClass' in b) b.esmClass = (b.esmClass as number) & ~0x40
  delete b.callbackNum
  delete b.callbackNumAtag
  if (b.alertOnMessageDelivery === true) b.alertOnMessageDelivery = 1
  const unknown = ((b.unknownTlvs as UnknownTlv[] | undefined) ?? []).filter((u) => keepUnknown && !theirTlvTags.has(u.tag))
  delete b.unknownTlvs
  if (unknown.length > 0) b.unknownTlvs = unknown
  return { ...pdu, body: b }
}

const theirCommands = [...bodyArbs({ charMax: 127 })].filter(([id]) => commandsById[id] !== undefined)

describe('differential against the smpp package', () => {
  it('knows every command that package knows, apart from the SMPP 5.0 broadcast ones', () => {
    const ours = new Set(theirCommands.map(([id]) => id))
    const missing = Object.keys(commandsById)
      .map(Number)
      .filter((id) => !ours.has(id))
      .map((id) => commandsById[id].command)
    expect(missing.every((name) => name.includes('broadcast'))).toBe(true)
  })

  for (const [commandId, body] of theirCommands) {
    const name = commandName(commandId)

    it(`${name}: what we encode, smpp decodes with equal fields`, () => {
      fc.assert(
        fc.property(pduArb(commandId, body), (random) => {
          const pdu = comparable(random, true)
          const theirs = new smpp.PDU(encode(pdu))
          expect(theirs.command).toBe(name)
          expect([theirs.command_id, theirs.command_status, theirs.sequence_number]).toEqual([pdu.commandId, pdu.status, pdu.sequence])
          const expected = toTheirs(pdu.body as Record<string, unknown>)
          for (const [k, v] of Object.entries(expected)) expect(theirValue(theirs, k), k).toEqual(v)
          for (const u of (pdu.body as { unknownTlvs?: UnknownTlv[] }).unknownTlvs ?? [])
            expect(theirs[String(u.tag)], `tag ${u.tag}`).toBeDefined()
        }),
        { numRuns: 100 },
      )
    }, 60_000)

    it(`${name}: what smpp encodes, we decode with equal fields and identical bytes`, () => {
      fc.assert(
        fc.property(pduArb(commandId, body), (random) => {
          const pdu = comparable({ ...random, status: 0 }, false)
          // A response without a body cannot be told to that package (it writes defaults); only the header-only form is compared.
          if (Object.keys(pdu.body).length === 0 && commandId & 0x80000000) return
          const theirs = new smpp.PDU(name, {
            sequence_number: pdu.sequence,
            command_status: 0,
            ...toTheirs(pdu.body as Record<string, unknown>),
          }).toBuffer()
          expect(decode(theirs)).toEqual(pdu)
          expect(theirs.toString('hex')).toBe(encode(pdu).toString('hex'))
        }),
        { numRuns: 100 },
      )
    }, 60_000)
  }

  it('an error response is header-only on both sides', () => {
    const theirs = new smpp.PDU('submit_sm_resp', { sequence_number: 9, command_status: 0x58 }).toBuffer()
    const ours = { commandId: CommandId.SubmitSmResp, status: 0x58, sequence: 9, body: {} }
    expect(decode(theirs)).toEqual(ours)
    expect(encode(ours).equals(theirs)).toBe(true)
  })

  it('a latin1 deliver_sm text reads the same on both sides', () => {
    const text = 'Grüße'
    const theirs = new smpp.PDU('deliver_sm', {
      sequence_number: 1,
      source_addr: '4915112345',
      destination_addr: '1234',
      data_coding: 0x03,
      short_message: text,
      receipted_message_id: 'abc',
      message_state: 2,
      network_error_code: Buffer.from([3, 0, 0]),
    }).toBuffer()
    const ours = decode(theirs).body as { shortMessage: Buffer; receiptedMessageId: string; messageState: number; networkErrorCode: Buffer }
    expect(ours.shortMessage.toString('latin1')).toBe(text)
    expect(ours).toMatchObject({ receiptedMessageId: 'abc', messageState: 2, networkErrorCode: Buffer.from([3, 0, 0]) })
  })
})
