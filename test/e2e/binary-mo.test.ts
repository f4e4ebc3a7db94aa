import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { HttpSubmitRequest } from '../../lib/domain/jobs'
import { Reassembler } from '../../lib/encoding/reassembler'
import { readPart } from '../../lib/encoding/segments'
import { Status } from '../../lib/smpp/status'
import type { SmppPdu } from '../../smpp-node/testing/smpp-package'
import { sharedServicesStack } from '../integration/stacks'
import { connectEsme, type Esme, textOf } from './esme'
import { createAccount, expectStatus, injectMo, messagesOf, putBlacklist, putNumber } from './fixtures'
import { eventually, root, type Stack, StartTimeoutMs, stopStack } from './stack'
import { WapPushSi } from './wap-push'

/**
 * Issue 14 part B over real sockets, against `npm start`'s stack, with the npm `smpp` package's client: a
 * submit_multi's refused destinations in unsuccess_sme, a WAP Push reaching the HTTP upstream (the carrier
 * simulator) byte for byte, and a 300-character MO from the simulator reaching the ESME as parts it reassembles.
 */
vi.setConfig({ testTimeout: 90_000 })
let stack: Stack
let acct: { id: string; password: string }
const open: Esme[] = []
const bound = async (type: 'transmitter' | 'receiver' | 'transceiver') => {
  const e = await connectEsme(stack.ports.smpp)
  open.push(e)
  expectStatus((await e.bind(type, acct.id, acct.password)).command_status, Status.Ok)
  return e
}
const Price = 5

beforeAll(async () => {
  stack = await sharedServicesStack()
  acct = await createAccount(stack, 'bin', { price: Price })
}, StartTimeoutMs + 30_000)

afterAll(async () => {
  for (const e of open) e.close()
  await stopStack(stack)
}, 90_000)

describe('submit_multi partial results (SMPP 3.4 4.5.2)', () => {
  it('lists exactly the two blacklisted destinations of three in unsuccess_sme, with 0x0404', async () => {
    const [a, b, c] = ['447700911001', '447700911002', '447700911003']
    await putBlacklist(stack, { owner: acct.id, number: a, scope: 'recipient' })
    await putBlacklist(stack, { owner: '*', number: c, scope: 'recipient' })
    const trx = await bound('transceiver')
    const resp = await trx.call('submit_multi', {
      source_addr: 'MULTI',
      dest_address: [a, b, c].map((destination_addr, i) => ({ dest_addr_ton: 1, dest_addr_npi: i + 1, destination_addr })),
      short_message: 'to three',
    })
    expectStatus(resp.command_status, Status.Ok)
    expect(resp.message_id).toBeTruthy()
    expect(resp.unsuccess_sme).toEqual([
      { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: a, error_status_code: Status.Blacklisted },
      { dest_addr_ton: 1, dest_addr_npi: 3, destination_addr: c, error_status_code: Status.Blacklisted },
    ])
    trx.close()
  })
})

describe('binary and WAP Push over the HTTP upstream', () => {
  it('passes a WAP Push SI (port 2948 UDH, 8-bit) to the carrier byte for byte, billed as one part', async () => {
    const trx = await bound('transceiver')
    const to = '447700912001'
    const resp = await trx.call('submit_sm', {
      source_addr: 'PUSH',
      destination_addr: to,
      esm_class: 0x40,
      data_coding: 0x04,
      short_message: WapPushSi,
    })
    expectStatus(resp.command_status, Status.Ok)
    const id = resp.message_id as string
    const got = await eventually('the carrier got it', async () => {
      const r = await fetch(`http://127.0.0.1:${stack.ports.simulator}/sms/${id}`)
      return r.status === 200 && ((await r.json()) as HttpSubmitRequest)
    })
    expect(got).toMatchObject({ messageId: id, to, esmClass: 0x40, dataCoding: 0x04 })
    expect(Buffer.from(got.shortMessage, 'base64').toString('hex')).toBe(WapPushSi.toString('hex'))
    const [record] = (await messagesOf(stack, acct.id)).filter((m) => m.messageId === id)
    expect(record).toMatchObject({ parts: 1, cost: Price })
    trx.close()
  })

  it('refuses an 8-bit part whose UDH and data exceed 140 octets with 0x0401', async () => {
    const trx = await bound('transceiver')
    const tooLong = Buffer.concat([WapPushSi.subarray(0, 7), Buffer.alloc(134, 0x2a)]) // 7 + 134 = 141
    const resp = await trx.call('submit_sm', {
      destination_addr: '447700912002',
      esm_class: 0x40,
      data_coding: 0x04,
      short_message: tooLong,
    })
    expectStatus(resp.command_status, Status.TextTooLong)
    trx.close()
  })
})

/** Where a part belongs, from the concat IE (IEI 00: reference, total, seq; TS 23.040 9.2.3.24.1) the package parsed out of its UDH. */
function concatOf(p: SmppPdu): { total: number; seq: number } | undefined {
  const udh = (p.short_message as { udh?: Buffer[] }).udh ?? []
  const ie = udh.map((b) => Buffer.from(b)).find((b) => b[0] === 0x00 && b[1] === 3)
  return ie && { total: ie[3], seq: ie[4] } // 00 03 ref total seq
}

describe('MO with a UDH', () => {
  it('delivers a 300-character MO from the simulator as UDH parts the ESME reassembles to the text', async () => {
    const number = `4479${String(Date.now()).slice(-8)}`
    await putNumber(stack, number, acct.id)
    const rx = await bound('receiver')
    const text = 'Long MO: '.padEnd(300, 'the quick brown fox jumps over the lazy dog. ')
    await injectMo(stack, { from: '447700913001', to: number, text })
    const parts = await eventually('every part', () => {
      const got = rx.delivered.filter((p) => p.destination_addr === number)
      const total = got.length > 0 ? concatOf(got[0])?.total : undefined
      return total !== undefined && got.length >= total && got
    })
    expect(parts.map((p) => p.esm_class)).toEqual([0x40, 0x40]) // 300 septets: 153 + 147, each with its UDH
    // Reassembled as an ESME does: the parts' texts in the order their concat IEs give.
    const whole = parts
      .map((p) => ({ seq: concatOf(p)!.seq, text: textOf(p) }))
      .sort((x, y) => x.seq - y.seq)
      .map((x) => x.text)
      .join('')
    expect(whole).toBe(text)
    rx.close()
  })

  it('delivers it to Perl Net::SMPP as parts whose raw octets (UDH included) reassemble to the text', async () => {
    const perlAcct = await createAccount(stack, 'perlmo', { price: Price })
    const number = `4478${String(Date.now()).slice(-8)}`
    await putNumber(stack, number, perlAcct.id)
    const perl = spawn('perl', [
      `${root}test/e2e/net-smpp-mo.pl`,
      '127.0.0.1',
      String(stack.ports.smpp),
      perlAcct.id,
      perlAcct.password,
      '2',
    ])
    let out = ''
    perl.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    const exited = new Promise<number | null>((r) => perl.once('exit', (code) => r(code)))
    try {
      await eventually('Perl bound', () => out.includes('"event":"bind"'), 30_000)
      const text = 'Perl MO: '.padEnd(300, 'pack my box with five dozen liquor jugs. ')
      await injectMo(stack, { from: '447700913002', to: number, text })
      expect(await exited).toBe(0)
      const events = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(events[0]).toMatchObject({ event: 'bind', status: 0 })
      const parts = events.filter((e) => e.event === 'deliver_sm')
      expect(parts.map((p) => [p.destination_addr, p.esm_class, p.data_coding])).toEqual([
        [number, 0x40, 0],
        [number, 0x40, 0],
      ])
      const joiner = new Reassembler()
      let whole: string | null | undefined
      for (const p of parts) {
        const part = readPart({ shortMessage: Buffer.from(p.short_message, 'hex'), esmClass: p.esm_class })!
        const { scheme, reference, total, seq } = part.concat!
        whole =
          joiner.push({ key: number, dataCoding: p.data_coding, scheme, reference, total, seq, payload: part.payload }, 0)?.text ?? whole
      }
      expect(whole).toBe(text)
    } finally {
      perl.kill()
    }
  })
})
