import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { DataCoding } from '../../lib/encoding/data-coding'
import { type Scheme, splitText } from '../../lib/encoding/segments'
import { Status } from '../../lib/smpp/status'
import { sharedServicesStack } from '../integration/stacks'
import { connectEsme, type Esme, isReceiptOf, receiptFields, textOf } from './esme'
import { createAccount, expectStatus, injectMo, putNumber } from './fixtures'
import { eventually, root, type Stack, StartTimeoutMs, stopStack } from './stack'

/**
 * Issue 8, conformance: SMPP clients written by others against `npm start`'s stack. The npm `smpp` package's
 * client covers bind types, submit with a receipt (Appendix B text and TLVs), long messages in each scheme and
 * encoding, MO, query_sm, cancel_sm, enquire_link and unbind, over TCP and TLS; Perl's Net::SMPP (Debian's
 * libnet-smpp-perl, installed here when missing) runs bind, submit, receipt, query, enquire_link and unbind.
 */
const run = promisify(execFile)
vi.setConfig({ testTimeout: 90_000 })
let stack: Stack
let acct: { id: string; password: string }
const open: Esme[] = []
const esme = async (opts: { tls?: boolean } = {}) => {
  const e = await connectEsme(opts.tls ? stack.ports.tls : stack.ports.smpp, opts)
  open.push(e)
  return e
}
const bound = async (type: 'transmitter' | 'receiver' | 'transceiver', opts: { tls?: boolean } = {}) => {
  const e = await esme(opts)
  expectStatus((await e.bind(type, acct.id, acct.password)).command_status, Status.Ok)
  return e
}

// message_state values, SMPP 3.4 5.2.28
const State = { Enroute: 1, Delivered: 2, Deleted: 4, Accepted: 6 } as const
let seq = 0
const dest = (prefix = '4477009') => `${prefix}${String(Date.now() % 1e5).padStart(5, '0')}${seq++}`

beforeAll(async () => {
  stack = await sharedServicesStack()
  acct = await createAccount(stack, 'conf')
}, StartTimeoutMs + 30_000)

afterAll(async () => {
  for (const e of open) e.close()
  await stopStack(stack)
}, 90_000)

describe('binds, submit and receipt (npm smpp client)', () => {
  it('binds as transmitter, receiver and transceiver, over TCP and TLS', async () => {
    for (const [type, tls] of [
      ['transmitter', false],
      ['receiver', false],
      ['transceiver', false],
      ['transceiver', true],
    ] as const) {
      const e = await esme({ tls })
      const resp = await e.bind(type, acct.id, acct.password)
      expect(resp.command).toBe(`bind_${type}_resp`)
      expectStatus(resp.command_status, Status.Ok)
      expect(resp.system_id).toBeTruthy()
      e.close()
    }
    const wrong = await esme()
    expectStatus((await wrong.bind('transceiver', acct.id, 'nope')).command_status, Status.InvPaswd)
  })

  it('refuses a submit on a receiver session with ESME_RINVBNDSTS', async () => {
    const rx = await bound('receiver')
    expectStatus((await rx.call('submit_sm', { destination_addr: dest(), short_message: 'x' })).command_status, Status.InvBndSts)
    rx.close()
  })

  it('sends the receipt of a transmitter session’s message to a receiver session of the same account', async () => {
    const rx = await bound('receiver')
    const tx = await bound('transmitter')
    const to = dest()
    const resp = await tx.call('submit_sm', {
      source_addr: 'E2E',
      destination_addr: to,
      short_message: 'via transmitter',
      registered_delivery: 1,
    })
    expectStatus(resp.command_status, Status.Ok)
    const receipt = await rx.deliverSm(isReceiptOf(resp.message_id))
    expect(receiptFields(receipt).stat).toBe('DELIVRD')
    expect(tx.delivered).toEqual([]) // a transmitter never gets deliver_sm (SMPP 3.4 2.2)
    rx.close()
    tx.close()
  })

  it('delivers a receipt whose text and TLVs follow Appendix B and 5.3.2', async () => {
    const trx = await bound('transceiver')
    const to = dest()
    const text = 'Hello receipt text over twenty chars'
    const resp = await trx.call('submit_sm', { source_addr: 'E2E', destination_addr: to, short_message: text, registered_delivery: 1 })
    expectStatus(resp.command_status, Status.Ok)
    expect(resp.message_id).toMatch(/^[0-9a-z]{1,64}$/i)
    const receipt = await trx.deliverSm(isReceiptOf(resp.message_id))
    const f = receiptFields(receipt)
    expect(f).toMatchObject({ id: resp.message_id, sub: '001', dlvrd: '001', stat: 'DELIVRD', err: '000', text: text.slice(0, 20) })
    expect(f['submit date']).toMatch(/^\d{10}$/)
    expect(f['done date']).toMatch(/^\d{10}$/)
    expect(receipt.esm_class & 0x3c).toBe(0x04)
    expect(receipt.source_addr).toBe(to) // the original addresses, swapped
    expect(receipt.destination_addr).toBe('E2E')
    expect(receipt.receipted_message_id).toBe(resp.message_id)
    expect(receipt.message_state).toBe(State.Delivered)
    trx.close()
  })

  it('sends no receipt when registered_delivery asks for failures only and the message is delivered', async () => {
    const trx = await bound('transceiver')
    const ok = await trx.call('submit_sm', { destination_addr: dest(), short_message: 'quiet', registered_delivery: 2 })
    const failed = await trx.call('submit_sm', { destination_addr: dest('999001'), short_message: 'loud', registered_delivery: 2 })
    const r = await trx.deliverSm(isReceiptOf(failed.message_id))
    expect(receiptFields(r)).toMatchObject({ stat: 'UNDELIV', err: '001' })
    expect(r.network_error_code).toEqual(Buffer.from('030001', 'hex'))
    await new Promise((res) => setTimeout(res, 2_500)) // the simulator's DELIVRD comes ~1 s after dispatch
    expect(trx.delivered.filter(isReceiptOf(ok.message_id))).toEqual([])
    trx.close()
  })
})

describe('long messages, each part with its receipt', () => {
  const gsmText = 'GSM long message: '.padEnd(320, 'abcdefghij 0123456789 {}[]~ ')
  const ucs2Text = 'Длинное сообщение в UCS2 — '.padEnd(150, 'жзий клмн ')
  const cases: [string, string, number, Scheme][] = [
    ['GSM 7-bit, UDH with an 8-bit reference', gsmText, DataCoding.SmscDefault, 'udh8'],
    ['UCS2, UDH with a 16-bit reference', ucs2Text, DataCoding.Ucs2, 'udh16'],
    ['GSM 7-bit, SAR TLVs', gsmText, DataCoding.SmscDefault, 'sar'],
    ['Latin-1, SAR TLVs', 'Café crème '.padEnd(300, 'àéîõü '), DataCoding.Latin1, 'sar'],
    ['UCS2, message_payload', ucs2Text, DataCoding.Ucs2, 'payload'],
    ['GSM 7-bit, message_payload', gsmText, DataCoding.SmscDefault, 'payload'],
  ]
  it.each(cases)('%s', async (_name, text, dataCoding, scheme) => {
    const trx = await bound('transceiver')
    const parts = splitText(text, { dataCoding, scheme, reference: 0x1234 + seq })
    expect(parts).not.toBeNull()
    if (scheme !== 'payload') expect(parts!.length).toBeGreaterThan(1)
    const to = dest()
    const ids: string[] = []
    for (const p of parts!) {
      const fields: Record<string, unknown> = {
        source_addr: 'E2E',
        destination_addr: to,
        esm_class: p.esmClass,
        data_coding: p.dataCoding,
        short_message: p.shortMessage,
        registered_delivery: 1,
      }
      if (p.sarMsgRefNum !== undefined)
        Object.assign(fields, {
          sar_msg_ref_num: p.sarMsgRefNum,
          sar_total_segments: p.sarTotalSegments,
          sar_segment_seqnum: p.sarSegmentSeqnum,
        })
      if (p.messagePayload) fields.message_payload = p.messagePayload
      const resp = await trx.call('submit_sm', fields)
      expectStatus(resp.command_status, Status.Ok)
      ids.push(resp.message_id)
    }
    expect(new Set(ids).size).toBe(ids.length)
    const receipts = await Promise.all(ids.map((id) => trx.deliverSm(isReceiptOf(id))))
    for (const r of receipts) expect(receiptFields(r).stat).toBe('DELIVRD')
    trx.close()
  })
})

describe('MO, query_sm, cancel_sm, enquire_link, unbind', () => {
  it('delivers an MO to the receiver session of the number’s owner as deliver_sm with esm_class 0', async () => {
    const number = `4479${String(Date.now()).slice(-8)}`
    await putNumber(stack, number, acct.id)
    const rx = await bound('receiver')
    await injectMo(stack, { from: '447700900001', to: number, text: 'hello from a handset' })
    await injectMo(stack, { from: '447700900002', to: number, text: 'привет из телефона' })
    const gsm = await rx.deliverSm((p) => p.destination_addr === number && p.source_addr === '447700900001')
    expect(gsm.esm_class).toBe(0)
    expect(textOf(gsm)).toBe('hello from a handset')
    const ucs2 = await rx.deliverSm((p) => p.destination_addr === number && p.source_addr === '447700900002')
    expect(ucs2.data_coding).toBe(DataCoding.Ucs2)
    expect(textOf(ucs2)).toBe('привет из телефона')
    rx.close()
  })

  it('query_sm follows the message from ENROUTE to DELIVERED', async () => {
    const trx = await bound('transceiver')
    const resp = await trx.call('submit_sm', { destination_addr: dest('999004'), short_message: 'track me', registered_delivery: 17 })
    expectStatus(resp.command_status, Status.Ok)
    const query = () => trx.call('query_sm', { message_id: resp.message_id, source_addr: '' })
    const first = await query()
    expectStatus(first.command_status, Status.Ok)
    expect([State.Accepted, State.Enroute]).toContain(first.message_state)
    // registered_delivery bit 4 asks for the intermediate ENROUTE notification (5.2.17).
    const enroute = await trx.deliverSm((p) => isReceiptOf(resp.message_id)(p) && receiptFields(p).stat === 'ENROUTE')
    expect(enroute.message_state).toBe(State.Enroute)
    const done = await eventually('DELIVERED', async () => {
      const q = await query()
      return q.message_state === State.Delivered ? q : undefined
    })
    // The package parses final_date (an absolute time, 7.1.1) into a Date.
    expect(done.final_date).toBeInstanceOf(Date)
    expect(Math.abs(Date.now() - (done.final_date as Date).getTime())).toBeLessThan(120_000)
    expect(done.message_id).toBe(resp.message_id)
    expectStatus((await trx.call('query_sm', { message_id: 'nosuchid', source_addr: '' })).command_status, Status.InvMsgId)
    trx.close()
  })

  it('cancel_sm deletes a message the carrier holds, and refuses a final one', async () => {
    const trx = await bound('transceiver')
    const held = await trx.call('submit_sm', { source_addr: 'E2E', destination_addr: dest('999005'), short_message: 'cancel me' })
    const query = async (id: string) => (await trx.call('query_sm', { message_id: id, source_addr: '' })).message_state
    await eventually('ENROUTE', async () => (await query(held.message_id)) === State.Enroute)
    expectStatus((await trx.call('cancel_sm', { message_id: held.message_id, source_addr: 'E2E' })).command_status, Status.Ok)
    expect(await query(held.message_id)).toBe(State.Deleted)
    expectStatus((await trx.call('cancel_sm', { message_id: held.message_id })).command_status, Status.CancelFail)

    const delivered = await trx.call('submit_sm', { destination_addr: dest(), short_message: 'too late', registered_delivery: 1 })
    await trx.deliverSm(isReceiptOf(delivered.message_id))
    expectStatus((await trx.call('cancel_sm', { message_id: delivered.message_id })).command_status, Status.CancelFail)
    trx.close()
  })

  it('answers enquire_link and unbind, then closes the connection', async () => {
    const trx = await bound('transceiver')
    const link = await trx.call('enquire_link')
    expect(link.command).toBe('enquire_link_resp')
    expectStatus(link.command_status, Status.Ok)
    const unbind = await trx.call('unbind')
    expect(unbind.command).toBe('unbind_resp')
    expectStatus(unbind.command_status, Status.Ok)
    await trx.closed
    // enquire_link is allowed before a bind too (SMPP 3.4 4.11)
    const fresh = await esme()
    expectStatus((await fresh.call('enquire_link')).command_status, Status.Ok)
    fresh.close()
  })
})

describe("Perl's Net::SMPP (libnet-smpp-perl)", () => {
  beforeAll(async () => {
    const installed = await run('perl', ['-MNet::SMPP', '-e1']).then(
      () => true,
      () => false,
    )
    if (installed) return
    // Debian's package; the test run installs it when the machine lacks it (apt's index may be stale).
    await run('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libnet-smpp-perl'], {
      timeout: 240_000,
    })
  }, 300_000)

  it('binds, submits with a receipt, queries, enquires and unbinds', async () => {
    const to = dest()
    const { stdout } = await run(
      'perl',
      [`${root}test/e2e/net-smpp-client.pl`, '127.0.0.1', String(stack.ports.smpp), acct.id, acct.password, to, 'hello from Net::SMPP'],
      {
        timeout: 80_000,
      },
    )
    const events = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .map((e) => [e.event, e]),
    )
    expect(events.bind).toMatchObject({ status: 0 })
    expect(events.submit.status).toBe(0)
    const id = events.submit.message_id as string
    expect(id).toBeTruthy()
    expect(events.receipt).toMatchObject({ esm_class: 4, receipted_message_id: id, message_state: State.Delivered })
    expect(events.receipt.text).toMatch(
      new RegExp(`^id:${id} sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000 text:hello from Net::SMPP$`),
    )
    expect(events.query).toMatchObject({ status: 0, message_id: id, message_state: State.Delivered })
    expect(events.enquire_link).toMatchObject({ status: 0 })
    expect(events.unbind).toMatchObject({ status: 0 })
  })
})
