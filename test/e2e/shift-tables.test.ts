import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { HttpSubmitRequest } from '../../lib/domain/jobs'
import { decodeWith } from '../../lib/encoding/gsm7-tables'
import { readPart } from '../../lib/encoding/segments'
import { independentParts, ShiftSamples } from '../../lib/encoding/shift-samples'
import { ucs2Decode, ucs2Encode } from '../../lib/encoding/ucs2'
import { Iei, parseUdh } from '../../lib/encoding/udh'
import { Status } from '../../lib/smpp/status'
import { sharedServicesStack } from '../integration/stacks'
import { connectEsme, type Esme } from './esme'
import { createAccount, expectStatus, inOneMinute, messagesOf, putRoute, putUpstream, utcMinute } from './fixtures'
import { eventually, type Stack, StartTimeoutMs, stopStack } from './stack'

/**
 * Issue 17 against `npm start`'s stack, with the npm `smpp` client as ESME: Turkish, Spanish and Portuguese texts
 * submitted as UCS2 (data_coding 8, message_payload) reach the carrier simulator as GSM 7-bit parts with the national
 * shift IEs in each UDH when the route's upstream accepts the tables, billed at those parts (counted independently:
 * lib/encoding/shift-samples.ts), with the parts saved in the usage API; the same texts to an upstream without the
 * flag go as UCS2 and save nothing.
 */
vi.setConfig({ testTimeout: 120_000 })
let stack: Stack
const open: Esme[] = []
const Price = 5
let n = 0
const dest = () => `905${String(Date.now() % 1e6).padStart(6, '0')}${n++}`
const today = () => new Date().toISOString().slice(0, 10)

async function session(base: string) {
  const acct = await createAccount(stack, base, { price: Price })
  const esme = await connectEsme(stack.ports.smpp)
  open.push(esme)
  expectStatus((await esme.bind('transceiver', acct.id, acct.password)).command_status, Status.Ok)
  return { ...acct, esme }
}

/** Submits each sample as UCS2 in message_payload; answers the message ids in the samples' order. */
async function submitSamples(esme: Esme): Promise<string[]> {
  const ids: string[] = []
  for (const [, , text] of ShiftSamples) {
    const resp = await esme.call('submit_sm', {
      source_addr: 'E2E',
      destination_addr: dest(),
      data_coding: 8,
      message_payload: ucs2Encode(text),
    })
    expectStatus(resp.command_status, Status.Ok)
    ids.push(resp.message_id as string)
  }
  return ids
}

const received = (id: string) =>
  eventually(`the carrier got ${id}`, async () => {
    const r = await fetch(`http://127.0.0.1:${stack.ports.simulator}/sms/${id}`)
    return r.status === 200 && ((await r.json()) as HttpSubmitRequest)
  })

async function usageTotals(accountId: string) {
  const r = await stack.api('GET', `/accounts/${accountId}/usage?from=${today()}&to=${today()}&groupBy=day`)
  expect(r.status).toBe(200)
  return r.body.totals as { messages: number; parts: number; cost: number; partsSaved: number }
}

beforeAll(async () => {
  stack = await sharedServicesStack()
  const url = `http://127.0.0.1:${stack.ports.simulator}/sms`
  await putUpstream(stack, { upstreamId: 'shiftsim', kind: 'http', url, timeoutMs: 2_000, shiftTables: [1, 2, 3] })
  const tariff = await stack.api('PUT', '/upstreams/shiftsim/tariffs', { prefix: '', cost: 2, currency: 'EUR' })
  expect(tariff.status).toBeLessThan(300)
}, StartTimeoutMs + 30_000)

afterAll(async () => {
  for (const e of open) e.close()
  await stopStack(stack)
}, 90_000)

describe('UCS2 texts towards an upstream that accepts national shift tables (issue 17)', () => {
  it('reach the carrier as GSM 7-bit parts with the shift IEs, billed at those parts, parts saved in usage', async () => {
    const s = await session('shift')
    await putRoute(stack, { plan: s.id, prefix: '', upstreams: [{ upstreamId: 'shiftsim', priority: 1 }] })
    const ids = await submitSamples(s.esme)
    let saved = 0
    let billed = 0
    for (const [k, [language, id, text]] of ShiftSamples.entries()) {
      const got = await received(ids[k])
      expect(got, language).toMatchObject({ dataCoding: 0, esmClass: 0x40, shortMessage: '' })
      expect(got.messagePayload).toBeUndefined()
      const parts = (got.segments ?? []).map((b) => Buffer.from(b, 'base64'))
      // Every part names the tables in its own UDH (TS 23.040 9.2.3.24.15/16): only the sample's language.
      const tables = parts.map((p) => {
        const ies = parseUdh(p)!.udh
        const value = (iei: number) => ies.find((e) => e.iei === iei)?.data[0] ?? 0
        return { locking: value(Iei.NationalLockingShift), single: value(Iei.NationalSingleShift) }
      })
      for (const t of tables) expect(t, language).toEqual(tables[0])
      expect([0, id]).toContain(tables[0].locking)
      expect([0, id]).toContain(tables[0].single)
      expect(tables[0].locking + tables[0].single, language).toBeGreaterThan(0)
      const septets = Buffer.concat(parts.map((p) => readPart({ shortMessage: p, esmClass: 0x40 })!.payload))
      expect(decodeWith(septets, tables[0]), language).toBe(text)
      const ies = (tables[0].locking ? 1 : 0) + (tables[0].single ? 1 : 0)
      const expected = independentParts(text, id, ies)
      const ucs2Parts = Math.ceil(text.length / 67)
      expect(parts, language).toHaveLength(expected)
      expect(expected, language).toBeLessThan(ucs2Parts)
      const [record] = (await messagesOf(stack, s.id)).filter((m) => m.messageId === ids[k])
      expect(record, language).toMatchObject({ parts: expected, cost: expected * Price })
      saved += ucs2Parts - expected
      billed += expected
    }
    expect(await usageTotals(s.id)).toMatchObject({ messages: 3, parts: billed, cost: billed * Price, partsSaved: saved })
  })

  it('go as UCS2 to an upstream without the flag, billed at the UCS2 parts, saving nothing', async () => {
    const s = await session('noshift') // the platform's catch-all route: the simulator upstream, without shiftTables
    const ids = await submitSamples(s.esme)
    let billed = 0
    for (const [k, [language, , text]] of ShiftSamples.entries()) {
      const got = await received(ids[k])
      expect(got, language).toMatchObject({ dataCoding: 8 })
      expect(got.segments).toBeUndefined()
      expect(ucs2Decode(Buffer.from(got.messagePayload!, 'base64'))).toBe(text)
      const ucs2Parts = Math.ceil(text.length / 67)
      const [record] = (await messagesOf(stack, s.id)).filter((m) => m.messageId === ids[k])
      expect(record, language).toMatchObject({ parts: ucs2Parts, cost: ucs2Parts * Price })
      billed += ucs2Parts
    }
    expect(await usageTotals(s.id)).toMatchObject({ messages: 3, parts: billed, partsSaved: 0 })
  })
})

describe('HTTP sends counted against the account speed (issue 17)', () => {
  it('spends the minute window the SMPP node spends: HTTP over it gets 429 with 0x58, then SMPP gets 0x58 too', async () => {
    const acct = await createAccount(stack, 'httpthr', { price: Price, settings: { speed: 1_000, throttle: { perMinute: 2 } } })
    const send = () => stack.api('POST', `/accounts/${acct.id}/messages`, { from: 'E2E', to: dest(), text: 'hi' })
    // The limit is per UTC minute: the three sends must share one (inOneMinute).
    const { result, minute: first } = await inOneMinute(async () => ({
      answers: [(await send()).status, (await send()).status],
      over: await send(),
    }))
    const { answers, over } = result
    expect(answers).toEqual([201, 201])
    expect(over?.status).toBe(429)
    expect(over?.body.error).toMatchObject({ code: 'ESME_RTHROTTLED', status: 0x58 })
    const esme = await connectEsme(stack.ports.smpp)
    open.push(esme)
    expectStatus((await esme.bind('transceiver', acct.id, acct.password)).command_status, Status.Ok)
    const before = utcMinute()
    const resp = await esme.call('submit_sm', { source_addr: 'E2E', destination_addr: dest(), short_message: 'hi' })
    // The window HTTP spent is spent for SMPP too; only if the minute turned meanwhile does a new window let it pass.
    if (before === first && utcMinute() === first) expectStatus(resp.command_status, Status.Throttled)
    else if (before !== first) expectStatus(resp.command_status, Status.Ok)
  })
})
