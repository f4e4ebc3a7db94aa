import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqsQueues } from '../../lib/adapters/sqs/queues'
import type { HttpSubmitRequest, UpstreamEvent } from '../../lib/domain/jobs'
import { Reassembler } from '../../lib/encoding/reassembler'
import { readPart } from '../../lib/encoding/segments'
import { localClients, tempQueue } from '../../test/local-services'
import { type CarrierSimulator, outcomeFor, startCarrierSimulator, TestPrefixes } from './carrier-simulator'

const { sqs } = localClients()
const queues = sqsQueues(sqs)
let sim: CarrierSimulator
let receiptsUrl: string

beforeAll(async () => {
  ;({ url: receiptsUrl } = await tempQueue(sqs, { visibilityTimeoutSec: 30 }))
  sim = await startCarrierSimulator({ receipts: queues, receiptsQueueUrl: receiptsUrl, receiptDelayMs: 50, slowMs: 600 })
})
afterAll(() => sim.close())

const request = (messageId: string, to: string): HttpSubmitRequest => ({
  messageId,
  from: 'DEMO',
  to,
  dataCoding: 0,
  esmClass: 0,
  registeredDelivery: 1,
  shortMessage: Buffer.from('hello').toString('base64'),
})
const submit = (body: unknown, signal?: AbortSignal) =>
  fetch(sim.submitUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal })

/** Every event on the receipts queue until `count` arrived or the time is up (bounded). */
const events: UpstreamEvent[] = []
async function eventsFor(pred: (e: UpstreamEvent) => boolean, count: number, timeoutMs = 3_000) {
  const deadline = Date.now() + timeoutMs
  while (events.filter(pred).length < count && Date.now() < deadline) {
    for (const m of await queues.receive(receiptsUrl, 10, 0)) {
      events.push(JSON.parse(m.body))
      await queues.delete(receiptsUrl, m.receiptHandle)
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  return events.filter(pred)
}
const forMessage = (id: string) => (e: UpstreamEvent) => e.type === 'receipt' && e.messageId === id

describe('carrier simulator', () => {
  it.each([
    ['447700900123', 'DELIVRD', 0],
    [`${TestPrefixes.Undeliverable}555`, 'UNDELIV', 1],
    [`+${TestPrefixes.Expired}555`, 'EXPIRED', 0],
    [`${TestPrefixes.Rejected}555`, 'REJECTD', 2],
  ])('accepts a message to %s and reports %s', async (to, stat, err) => {
    const messageId = `m-${to}`
    const res = await submit(request(messageId, to))
    expect(res.status).toBe(200)
    const { id } = (await res.json()) as { id: string }
    const [receipt] = await eventsFor(forMessage(messageId), 1)
    expect(receipt).toMatchObject({ type: 'receipt', upstreamId: 'simulator', messageId, upstreamMessageId: id, stat, err })
    expect(Number.isNaN(Date.parse((receipt as { doneAt: string }).doneAt))).toBe(false)
  })

  it('reports the GSM network error of an undeliverable message', async () => {
    await submit(request('m-undeliv-nec', `${TestPrefixes.Undeliverable}1`))
    const [receipt] = await eventsFor(forMessage('m-undeliv-nec'), 1)
    expect(receipt).toMatchObject({ stat: 'UNDELIV', networkErrorCode: '030001' })
  })

  it('reports ENROUTE first and DELIVRD after', async () => {
    await submit(request('m-enroute', `${TestPrefixes.EnrouteThenDelivered}1`))
    const receipts = await eventsFor(forMessage('m-enroute'), 2)
    expect(receipts.map((r) => (r as { stat: string }).stat)).toEqual(['ENROUTE', 'DELIVRD'])
  })

  it('accepts but never reports a message to the no-receipt prefix', async () => {
    const res = await submit(request('m-silent', `${TestPrefixes.NoReceipt}1`))
    expect(res.status).toBe(200)
    expect(await eventsFor(forMessage('m-silent'), 1, 400)).toEqual([])
  })

  it('answers 503 for the transport-error prefix, with no receipt', async () => {
    const res = await submit(request('m-503', `${TestPrefixes.TransportError}1`))
    expect(res.status).toBe(503)
    expect(await eventsFor(forMessage('m-503'), 1, 300)).toEqual([])
  })

  it('answers the slow prefix only after slowMs, so a caller with a shorter timeout gives up', async () => {
    await expect(submit(request('m-slow', `${TestPrefixes.Slow}1`), AbortSignal.timeout(200))).rejects.toThrow()
    const started = Date.now()
    const res = await submit(request('m-slow2', `${TestPrefixes.Slow}1`))
    expect(res.status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(500)
  })

  it('refuses a body without messageId and to', async () => {
    expect((await submit({ from: 'x' })).status).toBe(400)
    expect((await fetch(sim.submitUrl, { method: 'POST', body: 'not json' })).status).toBe(400)
  })

  it('posts an MO typed by curl, encoded in the cheapest data coding', async () => {
    const res = await fetch(sim.submitUrl.replace(/\/sms$/, '/mo'), {
      method: 'POST',
      body: JSON.stringify({ from: '447700900001', to: '447700900999', text: 'Hi @ home' }),
    })
    expect(res.status).toBe(202)
    await sim.injectMo({ from: '447700900002', to: '447700900999', text: 'Привет' })
    const mos = await eventsFor((e) => e.type === 'mo', 2)
    expect(mos).toEqual([
      expect.objectContaining({
        type: 'mo',
        upstreamId: 'simulator',
        sourceAddr: '447700900001',
        destinationAddr: '447700900999',
        dataCoding: 0,
      }),
      expect.objectContaining({
        sourceAddr: '447700900002',
        dataCoding: 8,
        shortMessage: Buffer.from('Привет', 'utf16le').swap16().toString('base64'),
      }),
    ])
    // GSM 03.38 puts '@' at 0x00: the text went out in the default alphabet, unpacked.
    expect(Buffer.from((mos[0] as { shortMessage: string }).shortMessage, 'base64')).toEqual(
      Buffer.from([0x48, 0x69, 0x20, 0x00, 0x20, 0x68, 0x6f, 0x6d, 0x65]),
    )
  })

  // Issue 14: before, an MO over 254 octets was refused; real carriers send it as parts with a UDH (or SAR TLVs).
  it.each(['udh', 'sar'] as const)('injects a 300-character MO as parts (%s) that reassemble to the text', async (long) => {
    const text = `${long} `.padEnd(300, 'long MO text. ')
    const to = `44770090${long === 'udh' ? 1 : 2}999`
    await sim.injectMo({ from: '447700900003', to, text, long })
    const parts = (await eventsFor((e) => e.type === 'mo' && e.destinationAddr === to, 2)) as Extract<UpstreamEvent, { type: 'mo' }>[]
    expect(parts).toHaveLength(2) // 300 septets: 153 + 147
    const joiner = new Reassembler()
    const whole = parts.map((p) => {
      const part = readPart({
        shortMessage: Buffer.from(p.shortMessage, 'base64'),
        esmClass: p.esmClass ?? 0,
        sarMsgRefNum: p.sar?.ref,
        sarTotalSegments: p.sar?.total,
        sarSegmentSeqnum: p.sar?.seq,
      })!
      const { scheme, reference, total, seq } = part.concat!
      return joiner.push({ key: to, dataCoding: p.dataCoding, scheme, reference, total, seq, payload: part.payload }, 0)
    })
    expect(whole[1]?.text).toBe(text)
    expect(parts.map((p) => p.esmClass ?? 0)).toEqual(long === 'udh' ? [0x40, 0x40] : [0, 0])
  })

  it('injects raw user data: a binary MO with a port UDH, byte for byte', async () => {
    const shortMessage = Buffer.from('0605040b8423f0deadbeef', 'hex').toString('base64')
    const res = await fetch(sim.submitUrl.replace(/\/sms$/, '/mo'), {
      method: 'POST',
      body: JSON.stringify({ from: '447700900004', to: '447700903999', shortMessage, dataCoding: 4, esmClass: 0x40 }),
    })
    expect(res.status).toBe(202)
    const [mo] = await eventsFor((e) => e.type === 'mo' && e.destinationAddr === '447700903999', 1)
    expect(mo).toMatchObject({ shortMessage, dataCoding: 4, esmClass: 0x40 })
  })

  it('shows a submit as it reached the carrier at GET /sms/<messageId>', async () => {
    const binary = { ...request('m-wap', '447700900777'), dataCoding: 4, esmClass: 0x40, shortMessage: 'BgUEC4QjEA==' }
    expect((await submit(binary)).status).toBe(200)
    const got = await fetch(sim.submitUrl.replace(/\/sms$/, '/sms/m-wap'))
    expect(await got.json()).toEqual(binary)
    expect(sim.received('m-wap')).toEqual(binary)
    expect((await fetch(sim.submitUrl.replace(/\/sms$/, '/sms/nope'))).status).toBe(404)
  })

  it('requires the bearer secret when one is configured', async () => {
    const locked = await startCarrierSimulator({ receipts: queues, receiptsQueueUrl: receiptsUrl, secret: 's3cret', receiptDelayMs: 50 })
    try {
      const body = JSON.stringify(request('m-auth', '4470'))
      expect((await fetch(locked.submitUrl, { method: 'POST', body })).status).toBe(401)
      expect((await fetch(locked.submitUrl, { method: 'POST', body, headers: { authorization: 'Bearer s3cret' } })).status).toBe(200)
    } finally {
      await locked.close()
    }
  })
})

describe('outcomeFor', () => {
  it('delivers anything outside the test prefixes', () => {
    expect(outcomeFor('999000123')).toEqual({ http: 'accept', receipts: [{ stat: 'DELIVRD', err: 0, networkErrorCode: undefined }] })
  })
})
