import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Status } from '../../lib/smpp/status'
import { connectEsme, type Esme, isReceiptOf, receiptFields } from '../e2e/esme'
import { eventually, type Stack, StartTimeoutMs, stopStack } from '../e2e/stack'
import { sharedServicesStack } from './stacks'

/**
 * Issue 6's proof: K messages through the SMPP node of `npm start`'s stack (the npm `smpp` package's client,
 * demo/demopass), every receipt back, then usage, balance and ledger from the API equal what was charged and
 * refunded. The seeded demo account pays 0.05 EUR (5 minor units) a part and is refunded for failed messages;
 * destinations starting 999001 get UNDELIV from the carrier simulator (docs/LOCAL.md).
 */
const Price = 5
const Undeliv = '999001'
let stack: Stack
let esme: Esme

interface Sent {
  messageId: string
  parts: number
  undeliv: boolean
}

beforeAll(async () => {
  stack = await sharedServicesStack()
  esme = await connectEsme(stack.ports.smpp)
  expect((await esme.bind('transceiver', 'demo', 'demopass')).command_status).toBe(Status.Ok)
}, StartTimeoutMs + 30_000)

afterAll(async () => {
  esme?.close()
  await stopStack(stack)
}, 90_000)

let n = 0
const destination = (undeliv: boolean) =>
  `${undeliv ? Undeliv : '4477009'}${String(Date.now() % 1e4).padStart(4, '0')}${String(n++).padStart(2, '0')}`
/** Distinct texts: the demo account refuses a repeat of the same text to the same number within 5 s. */
const text = (len: number) => `usage test ${n} `.padEnd(len, 'x')

/** One PDU per message record; `parts` is what the tariff multiplies (GSM 7-bit: 153 septets a concatenated part). */
async function submit(fields: Record<string, unknown>, parts: number, undeliv: boolean): Promise<Sent> {
  const resp = await esme.call('submit_sm', { source_addr: 'USAGE', registered_delivery: 1, ...fields })
  expect(resp.command_status, JSON.stringify(resp)).toBe(Status.Ok)
  return { messageId: resp.message_id as string, parts, undeliv }
}

const single = (undeliv: boolean) => submit({ destination_addr: destination(undeliv), short_message: text(40) }, 1, undeliv)

/** A 2-part message with a concatenation UDH (IEI 0x00, 8-bit reference): two PDUs, two records of one part each. */
async function udhPair(ref: number, undeliv: boolean): Promise<Sent[]> {
  const to = destination(undeliv)
  const part = (seq: number) =>
    submit(
      { destination_addr: to, esm_class: 0x40, short_message: { udh: Buffer.from([5, 0, 3, ref, 2, seq]), message: text(150) } },
      1,
      undeliv,
    )
  return [await part(1), await part(2)]
}

/** 200 GSM characters in message_payload: one record of two parts (153 + 47). */
const payload = (undeliv: boolean) =>
  submit({ destination_addr: destination(undeliv), message_payload: Buffer.from(text(200), 'latin1') }, 2, undeliv)

describe('usage, cost and ledger equal what was charged (issue 6)', () => {
  it('30 PDUs: singles, 2-part UDH and message_payload, some UNDELIV and refunded', async () => {
    const before = (await stack.api('GET', '/accounts/demo/balance')).body.balance as number
    const jobs: Promise<Sent | Sent[]>[] = []
    for (let i = 0; i < 14; i++) jobs.push(single(false))
    for (let i = 0; i < 4; i++) jobs.push(single(true))
    for (let i = 0; i < 4; i++) jobs.push(udhPair(i + 1, i === 3))
    for (let i = 0; i < 4; i++) jobs.push(payload(i === 3))
    const sent = (await Promise.all(jobs)).flat()
    expect(sent).toHaveLength(30)

    // Every receipt, with the final state the simulator chose.
    const receipts = await Promise.all(sent.map((s) => esme.deliverSm(isReceiptOf(s.messageId), 90_000)))
    expect(receipts.map((r) => receiptFields(r).stat)).toEqual(sent.map((s) => (s.undeliv ? 'UNDELIV' : 'DELIVRD')))

    const parts = sent.reduce((a, s) => a + s.parts, 0)
    const cost = parts * Price
    const refunds = sent.filter((s) => s.undeliv).reduce((a, s) => a + s.parts * Price, 0)
    expect({ parts, cost, refunds }).toEqual({ parts: 34, cost: 170, refunds: 40 })

    // A day either side: the run may cross midnight UTC.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
    const usage = await eventually(
      'usage with every refund',
      async () => {
        const r = await stack.api('GET', `/accounts/demo/usage?from=${day(-1)}&to=${day(1)}&groupBy=day`)
        return r.status === 200 && r.body.totals.refunds === refunds && r.body
      },
      30_000,
    )
    expect(usage.totals).toEqual({
      messages: 30,
      parts,
      cost,
      costDecimal: '1.70',
      refunds,
      refundsDecimal: '0.40',
      net: cost - refunds,
      netDecimal: '1.30',
      partsSaved: 0, // GSM and 8-bit texts: nothing for shift tables to save (issue 17)
    })
    const byStatus = (await stack.api('GET', `/accounts/demo/usage?from=${day(-1)}&to=${day(1)}&groupBy=status`)).body
    const status = Object.fromEntries(byStatus.items.map((i: { key: string; messages: number }) => [i.key, i.messages]))
    expect(status).toMatchObject({ DELIVERED: 23, UNDELIVERABLE: 7 })

    const balance = (await stack.api('GET', '/accounts/demo/balance')).body
    expect(balance).toMatchObject({ accountId: 'demo', currency: 'EUR', balance: before - cost + refunds })

    // The ledger: one charge per record (parts x price), one refund per UNDELIV record, and a running balance
    // that starts from the balance before the test and ends at the balance now.
    const entries: { kind: string; amount: number; balanceAfter: number; messageId?: string; messageIds?: string[] }[] = []
    let cursor: string | undefined
    for (let page = 0; page < 10; page++) {
      const r = await stack.api('GET', `/accounts/demo/ledger?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      expect(r.status).toBe(200)
      entries.push(...r.body.items)
      cursor = r.body.cursor
      if (!cursor) break
    }
    const charges = entries.filter((e) => e.kind === 'charge')
    const refundEntries = entries.filter((e) => e.kind === 'refund')
    expect(entries).toHaveLength(charges.length + refundEntries.length)
    const amounts = (list: typeof entries) => Object.fromEntries(list.map((e) => [e.messageId, e.amount]))
    // Issue 12: a batch charge line lists its messages and carries the sum of their costs; each message is in exactly one line.
    const costOf = new Map(sent.map((s) => [s.messageId, s.parts * Price]))
    const listed = charges.flatMap((e) => e.messageIds ?? [e.messageId!])
    expect([...listed].sort()).toEqual(sent.map((s) => s.messageId).sort())
    for (const e of charges)
      expect(e.amount).toBe(-(e.messageIds ?? [e.messageId!]).reduce((sum, id) => sum + (costOf.get(id) ?? Number.NaN), 0))
    expect(amounts(refundEntries)).toEqual(Object.fromEntries(sent.filter((s) => s.undeliv).map((s) => [s.messageId, s.parts * Price])))
    let running = before
    for (const e of entries) {
      running += e.amount
      expect(e.balanceAfter).toBe(running)
    }
    expect(running).toBe(balance.balance)
  }, 150_000)
})
