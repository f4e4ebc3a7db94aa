import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Status } from '../../lib/smpp/status'
import { sharedServicesStack } from '../integration/stacks'
import { connectEsme, type Esme, isReceiptOf, receiptFields } from './esme'
import { balanceOf, createAccount, expectStatus, messagesOf, putBlacklist, putRoute, putStopWord, putUpstream } from './fixtures'
import { eventually, type Stack, StartTimeoutMs, sleep, stopStack } from './stack'

/**
 * Issue 8, conformance: every platform command_status (docs/DESIGN.md), each through a real submit_sm from the npm
 * `smpp` client to `npm start`'s stack, set up through the API the way an operator would. The platform's
 * catch-all route is removed first so that a destination can have no route (0x045A); each account here
 * gets its own catch-all route to the simulator instead.
 */
vi.setConfig({ testTimeout: 90_000 })
const DeadlineMs = 8_000
let stack: Stack
const open: Esme[] = []

/** A bound transceiver of a fresh account set up by `opts`. */
async function session(base: string, opts: Parameters<typeof createAccount>[2] = {}, route = true) {
  const acct = await createAccount(stack, base, opts)
  if (route) await putRoute(stack, { plan: acct.id, prefix: '', upstreams: [{ upstreamId: 'simulator', priority: 1 }] })
  const e = await connectEsme(stack.ports.smpp)
  open.push(e)
  expectStatus((await e.bind('transceiver', acct.id, acct.password)).command_status, Status.Ok)
  return { ...acct, esme: e }
}
let n = 0
const dest = (prefix = '4477009') => `${prefix}${String(Date.now() % 1e5).padStart(5, '0')}${n++}`
const submit = (e: Esme, fields: Record<string, unknown>) =>
  e.call('submit_sm', { source_addr: 'E2E', destination_addr: dest(), short_message: 'status test', ...fields })

beforeAll(async () => {
  stack = await sharedServicesStack({ VERDICT_DEADLINE_MS: String(DeadlineMs) })
  const del = await stack.api('DELETE', `/routes?${new URLSearchParams({ plan: '*', prefix: '' })}`)
  expect(del.status).toBe(204)
}, StartTimeoutMs + 30_000)

afterAll(async () => {
  for (const e of open) e.close()
  await stopStack(stack)
}, 90_000)

describe('platform status codes through submit_sm', () => {
  it('0x0400: an unknown data_coding', async () => {
    const { esme } = await session('dc')
    expectStatus((await submit(esme, { data_coding: 0x05, short_message: Buffer.from('JIS') })).command_status, Status.UnknownDataCoding)
  })

  it('0x0401: a 165-octet short_message without UDH, SAR or message_payload', async () => {
    const { esme } = await session('len')
    expectStatus((await submit(esme, { short_message: Buffer.alloc(165, 0x41) })).command_status, Status.TextTooLong)
    // 160 octets is still one message
    expectStatus((await submit(esme, { short_message: Buffer.alloc(160, 0x41) })).command_status, Status.Ok)
  })

  it('0x0403: a stop phrase of the account, in any case and spacing', async () => {
    const s = await session('stop')
    await putStopWord(stack, { owner: s.id, phrase: 'free money' })
    expectStatus((await submit(s.esme, { short_message: 'Get FREE   money now' })).command_status, Status.ForbiddenContent)
    expectStatus((await submit(s.esme, { short_message: 'money for free' })).command_status, Status.Ok)
  })

  it('0x0404: a blacklisted recipient', async () => {
    const s = await session('black')
    const to = dest()
    await putBlacklist(stack, { owner: s.id, number: to, scope: 'recipient' })
    expectStatus((await submit(s.esme, { destination_addr: to })).command_status, Status.Blacklisted)
  })

  it('0x0453: the same text to the same number within the duplicate window', async () => {
    const s = await session('dup', { settings: { duplicateWindowSec: 60 } })
    const to = dest()
    expectStatus((await submit(s.esme, { destination_addr: to, short_message: 'once only' })).command_status, Status.Ok)
    expectStatus((await submit(s.esme, { destination_addr: to, short_message: 'once only' })).command_status, Status.Duplicate)
    expectStatus((await submit(s.esme, { destination_addr: to, short_message: 'another text' })).command_status, Status.Ok)
  })

  it('0x043C: an account whose plan has no tariff', async () => {
    const s = await session('notariff', { price: null })
    expectStatus((await submit(s.esme, {})).command_status, Status.NoTariff)
  })

  it('0x043F: a route to an upstream without an upstream tariff', async () => {
    const s = await session('noup')
    await putUpstream(stack, {
      upstreamId: 'no-tariff',
      kind: 'http',
      url: `http://127.0.0.1:${stack.ports.simulator}/sms`,
      timeoutMs: 1_000,
    })
    await putRoute(stack, { plan: s.id, prefix: '3519', upstreams: [{ upstreamId: 'no-tariff', priority: 1 }] })
    expectStatus((await submit(s.esme, { destination_addr: dest('3519') })).command_status, Status.NoUpstreamTariff)
  })

  it('0x045A: no route for the destination', async () => {
    const s = await session('noroute', {}, false)
    expectStatus((await submit(s.esme, {})).command_status, Status.NoRoute)
  })

  it('0x0433: an account with a zero balance', async () => {
    const s = await session('broke', { credit: 0 })
    expectStatus((await submit(s.esme, {})).command_status, Status.InsufficientFunds)
  })

  it('0x0446: a carrier answering 503 gets status 0, then an UNDELIV receipt with err:446, refunded', async () => {
    const s = await session('transport')
    const before = await balanceOf(stack, s.id)
    const resp = await submit(s.esme, { destination_addr: dest('999006'), registered_delivery: 1 })
    expectStatus(resp.command_status, Status.Ok) // the transport error happens after the verdict, in dispatch
    const receipt = await s.esme.deliverSm(isReceiptOf(resp.message_id))
    expect(receiptFields(receipt)).toMatchObject({ stat: 'UNDELIV', err: '446', dlvrd: '000' })
    expect(receipt.message_state).toBe(5) // UNDELIVERABLE
    expect(receipt.network_error_code).toEqual(Buffer.from('030446', 'hex'))
    await eventually('refunded', async () => (await balanceOf(stack, s.id)) === before)
  })

  it('0x0402: no verdict by the deadline (the Lambda host stopped), and the late job is not charged', async () => {
    const s = await session('deadline')
    const before = await balanceOf(stack, s.id)
    const lambda = stack.pidOf('lambda')!
    process.kill(lambda, 'SIGSTOP')
    let resp: Awaited<ReturnType<typeof submit>>
    const started = Date.now()
    try {
      resp = await submit(s.esme, {})
    } finally {
      process.kill(lambda, 'SIGCONT')
    }
    expectStatus(resp.command_status, Status.NotRegistered)
    expect(Date.now() - started).toBeGreaterThanOrEqual(DeadlineMs - 100)
    expect(Date.now() - started).toBeLessThan(DeadlineMs + 10_000)
    // The job reaches the pipeline after its deadline: dropped, never charged or sent.
    const after = await submit(s.esme, { short_message: 'after the stop' })
    expectStatus(after.command_status, Status.Ok)
    await sleep(1_000)
    const ids = (await messagesOf(stack, s.id)).map((m) => m.messageId)
    expect(ids).toEqual([after.message_id])
    expect(await balanceOf(stack, s.id)).toBe(before - 5)
  })
})

describe('async refusal mode', () => {
  it('answers 0 at once and sends the refusal as a REJECTD receipt with the code in err:', async () => {
    const s = await session('async', { settings: { refusalMode: 'async' } })
    await putStopWord(stack, { owner: s.id, phrase: 'casino' })
    // No registered_delivery: the REJECTD receipt is the only way an async client learns of the refusal.
    const refused = await submit(s.esme, { short_message: 'visit our casino' })
    expectStatus(refused.command_status, Status.Ok)
    expect(refused.message_id).toBeTruthy()
    const receipt = await s.esme.deliverSm(isReceiptOf(refused.message_id))
    expect(receiptFields(receipt)).toMatchObject({ stat: 'REJECTD', err: '403' })
    expect(receipt.message_state).toBe(8) // REJECTED
    expect(receipt.network_error_code).toEqual(Buffer.from('030403', 'hex'))
    expect(receipt.receipted_message_id).toBe(refused.message_id)

    const accepted = await submit(s.esme, { short_message: 'a fine text', registered_delivery: 1 })
    expectStatus(accepted.command_status, Status.Ok)
    expect(receiptFields(await s.esme.deliverSm(isReceiptOf(accepted.message_id))).stat).toBe('DELIVRD')
  })
})
