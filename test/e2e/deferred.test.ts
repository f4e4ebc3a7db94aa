import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { relativeSmppTime } from '../../lib/domain/smpp-time'
import { MessageState } from '../../lib/smpp/receipt'
import { Status } from '../../lib/smpp/status'
import { sharedServicesStack } from '../integration/stacks'
import { connectEsme, type Esme, isReceiptOf, receiptFields } from './esme'
import { balanceOf, createAccount, expectStatus, ledgerOf, messagesOf } from './fixtures'
import { eventually, root, type Stack, StartTimeoutMs, stopStack } from './stack'

/**
 * Issue 14 over real sockets, with the npm smpp client and Perl's Net::SMPP: a +90 s scheduled message is not sent
 * before its time (the carrier simulator's own log line of the send is compared with the time of the submit) and
 * its DELIVRD receipt comes after; a 2-minute validity to a number whose carrier never reports ends EXPIRED with
 * a receipt and a refund; replace_sm and cancel_sm of a scheduled message leave balance, ledger and usage exact.
 * The stack sweeps due messages every 500 ms (DUE_SWEEP_MS) while sweeps find work and backs off to 8 s after empty ones
 * (DUE_SWEEP_IDLE_MS, infra/local/due-timer.ts): that bounds how late, never how early, a message goes.
 * The tests run side by side, so the file takes about the longest wait (the 2-minute validity).
 */
const run = promisify(execFile)
let stack: Stack
const Price = 5
const NoReceipt = '9990050' // infra/local/carrier-simulator.ts TestPrefixes.NoReceipt

beforeAll(async () => {
  stack = await sharedServicesStack({ DUE_SWEEP_MS: '500', SIMULATOR_LOG_SUBMITS: '1' })
}, StartTimeoutMs)
afterAll(() => stopStack(stack), 30_000)

/** When the carrier simulator took the message, from its log line. */
const sentAt = (messageId: string): number | undefined => {
  const m = new RegExp(`simulator: submit ${messageId} to \\S+ at (\\S+)`).exec(stack.output())
  return m ? Date.parse(m[1]) : undefined
}

async function bound(price = Price): Promise<{ esme: Esme; id: string }> {
  const acct = await createAccount(stack, 'defer', { price, credit: 10_000 })
  const esme = await connectEsme(stack.ports.smpp)
  expectStatus((await esme.bind('transceiver', acct.id, acct.password)).command_status, Status.Ok)
  return { esme, id: acct.id }
}

const ucs2 = (text: string) => Buffer.from(text, 'utf16le').swap16()

describe.concurrent('scheduled, expiring, cancelled and replaced messages (issue 14)', () => {
  it('npm smpp: a +90 s scheduled message is held, sent at its time and not before, then DELIVRD', async () => {
    const { esme, id } = await bound()
    const before = Date.now()
    const resp = await esme.call('submit_sm', {
      source_addr: 'SCHED',
      destination_addr: '447700900901',
      short_message: 'in ninety seconds',
      registered_delivery: 1,
      schedule_delivery_time: relativeSmppTime(90),
    })
    expectStatus(resp.command_status, Status.Ok)
    const messageId = resp.message_id as string
    expect(await balanceOf(stack, id)).toBe(10_000 - Price) // charged at submit
    const query = await esme.call('query_sm', { message_id: messageId, source_addr: 'SCHED' })
    expect(query.message_state).toBe(MessageState.Enroute) // SMPP 3.4 has no SCHEDULED: ENROUTE
    expect((await messagesOf(stack, id))[0]).toMatchObject({ messageId, state: 'SCHEDULED' })
    const receipt = await esme.deliverSm(isReceiptOf(messageId), 150_000)
    const receivedAt = Date.now()
    expect(receiptFields(receipt).stat).toBe('DELIVRD')
    const sent = sentAt(messageId)
    expect(sent, 'the simulator logged the send').toBeDefined()
    expect(sent!).toBeGreaterThanOrEqual(before + 90_000)
    expect(receivedAt).toBeGreaterThan(sent!)
    await esme.close()
  }, 200_000)

  it("Perl's Net::SMPP: a +90 s scheduled message is ENROUTE while it waits, sent at its time, then DELIVRD", async () => {
    const acct = await createAccount(stack, 'perl', { price: Price, credit: 10_000 })
    const { stdout } = await run(
      'perl',
      [
        `${root}test/e2e/net-smpp-scheduled.pl`,
        '127.0.0.1',
        String(stack.ports.smpp),
        acct.id,
        acct.password,
        '447700900902',
        'scheduled from Perl',
        relativeSmppTime(90),
      ],
      { timeout: 210_000 },
    )
    const events = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .map((e) => [e.event, e]),
    )
    expect(events.submit.status).toBe(0)
    const messageId = events.submit.message_id as string
    expect(events.query).toMatchObject({ status: 0, message_state: MessageState.Enroute })
    expect(events.receipt.text).toMatch(new RegExp(`^id:${messageId} .*stat:DELIVRD`))
    const sent = sentAt(messageId)
    expect(sent).toBeGreaterThanOrEqual(events.bind.at_ms + 90_000) // bound before the submit, so a lower bound
    expect(events.receipt.at_ms).toBeGreaterThan(sent!)
  }, 220_000)

  it('a 2-minute validity to a carrier that never reports ends EXPIRED, with its receipt and a refund', async () => {
    const { esme, id } = await bound()
    const before = Date.now()
    const resp = await esme.call('submit_sm', {
      source_addr: 'VALID',
      destination_addr: `${NoReceipt}001`,
      short_message: 'two minutes to live',
      registered_delivery: 1,
      validity_period: relativeSmppTime(120),
    })
    expectStatus(resp.command_status, Status.Ok)
    const messageId = resp.message_id as string
    await eventually('sent to the carrier', () => sentAt(messageId), 20_000)
    expect(await balanceOf(stack, id)).toBe(10_000 - Price)
    const receipt = await esme.deliverSm(isReceiptOf(messageId), 180_000)
    expect(Date.now()).toBeGreaterThanOrEqual(before + 120_000)
    expect(receiptFields(receipt).stat).toBe('EXPIRED')
    expect(receipt.message_state).toBe(MessageState.Expired)
    await eventually('refunded', async () => (await balanceOf(stack, id)) === 10_000, 20_000)
    expect((await ledgerOf(stack, id)).filter((e) => e.kind === 'refund')).toMatchObject([{ amount: Price, messageId }])
    expect((await messagesOf(stack, id))[0]).toMatchObject({ state: 'EXPIRED', refunded: true })
    await esme.close()
  }, 200_000)

  it('replace_sm re-prices a scheduled message, cancel_sm then deletes it with its receipt and a full refund', async () => {
    const { esme, id } = await bound()
    const resp = await esme.call('submit_sm', {
      source_addr: 'REPL',
      destination_addr: '447700900903',
      data_coding: 8,
      short_message: ucs2('hi'),
      registered_delivery: 1,
      schedule_delivery_time: relativeSmppTime(3600),
    })
    expectStatus(resp.command_status, Status.Ok)
    const messageId = resp.message_id as string
    expect(await balanceOf(stack, id)).toBe(10_000 - Price)
    // 80 UCS2 characters: 160 octets, two parts of 67 once concatenated: twice the price.
    const long = 'x'.repeat(80)
    const replaced = await esme.call('replace_sm', {
      message_id: messageId,
      source_addr: 'REPL',
      short_message: ucs2(long),
      registered_delivery: 1, // replaced too (4.10.1): 0 here would ask for no receipt
    })
    expectStatus(replaced.command_status, Status.Ok)
    await eventually('the difference charged', async () => (await balanceOf(stack, id)) === 10_000 - 2 * Price, 20_000)
    expect((await ledgerOf(stack, id)).filter((e) => e.kind === 'adjustment')).toMatchObject([{ amount: -Price, messageId }])
    expect((await messagesOf(stack, id))[0]).toMatchObject({ state: 'SCHEDULED', parts: 2, cost: 2 * Price })

    expectStatus((await esme.call('cancel_sm', { message_id: messageId, source_addr: 'REPL' })).command_status, Status.Ok)
    const receipt = await esme.deliverSm(isReceiptOf(messageId), 30_000)
    expect(receiptFields(receipt).stat).toBe('DELETED')
    await eventually('refunded', async () => (await balanceOf(stack, id)) === 10_000, 20_000)
    const day = new Date().toISOString().slice(0, 10)
    const usage = (await stack.api('GET', `/accounts/${id}/usage?from=${day}&to=${day}&groupBy=status`)).body
    const byStatus = Object.fromEntries(usage.items.map((i: { key: string; cost: number; refunds: number }) => [i.key, i]))
    expect(byStatus.DELETED).toMatchObject({ messages: 1 })
    expect(usage.totals).toMatchObject({ cost: 2 * Price, refunds: 2 * Price, net: 0 })
    expect(sentAt(messageId)).toBeUndefined() // never reached a carrier
    await esme.close()
  }, 120_000)
})
