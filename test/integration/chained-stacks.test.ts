import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HttpSubmitRequest } from '../../lib/domain/jobs'
import type { MessageRecord } from '../../lib/domain/model'
import { Status } from '../../lib/smpp/status'
import { connectEsme, type Esme, isReceiptOf, receiptFields } from '../e2e/esme'
import { eventually, StartTimeoutMs, sleep, stopStack } from '../e2e/stack'
import { WapPushSi } from '../e2e/wap-push'
import { type SharedStack, sharedServicesStack } from './stacks'

/**
 * Issue 9's proof: two platform instances chained end to end on one machine (docs/UPSTREAM-SMPP.md, last section).
 * Stack B is the carrier: its account `platform-a` pays 3 minor units a part and B routes everything to its
 * carrier simulator. Stack A routes everything to upstream `platform-b` of kind smpp, B's node, configured
 * through A's API; A's node runs the bind pool and binds to B as platform-a with the password from
 * SECRET_PLATFORM_B. A client of A gets its receipt with A's message id, B's receipt having travelled back
 * over the pool's bind.
 */
const Password = 'pa55b' // an SMPP password: at most 8 characters
const PriceAtB = 3
let a: SharedStack
let b: SharedStack
let esme: Esme

const ok = async (what: string, p: Promise<{ status: number; body: unknown }>) => {
  const r = await p
  if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`)
  return r
}

beforeAll(async () => {
  // Both at once: two stacks' TypeScript compiles overlap on two cores.
  ;[b, a] = await Promise.all([sharedServicesStack(), sharedServicesStack({ SECRET_PLATFORM_B: Password })])

  // B: the customer account platform A binds as, with a tariff and credit; B's seeded catch-all route
  // (plan '*') already goes to B's simulator.
  await ok(
    'account at B',
    b.api('POST', '/accounts', {
      accountId: 'platform-a',
      password: Password,
      tariffPlan: 'platform-a',
      speed: 1_000,
      sessionLimit: 4,
      duplicateWindowSec: 0,
      refundOnFailure: true,
    }),
  )
  await ok('tariff at B', b.api('PUT', '/tariffs', { plan: 'platform-a', prefix: '', price: PriceAtB, currency: 'EUR' }))
  await ok(
    'credit at B',
    b.api('POST', '/accounts/platform-a/credits', { amount: 100_000, kind: 'topup' }, undefined, { 'idempotency-key': 'chain-1' }),
  )

  // A: upstream platform-b of kind smpp (B's node), its upstream tariff, and the platform default route to it.
  await ok(
    'upstream at A',
    a.api('PUT', '/upstreams', {
      upstreamId: 'platform-b',
      kind: 'smpp',
      secretRef: 'platform-b',
      // B answers submit_sm after its own pipeline's verdict: give it time rather than resend on a busy machine.
      timeoutMs: 30_000,
      smpp: { host: '127.0.0.1', port: b.ports.smpp, systemId: 'platform-a', reconnect: { initialMs: 200, maxMs: 2_000 } },
    }),
  )
  await ok('upstream tariff at A', a.api('PUT', '/upstreams/platform-b/tariffs', { prefix: '', cost: 2, currency: 'EUR' }))
  await ok('route at A', a.api('PUT', '/routes', { plan: '*', prefix: '', upstreams: [{ upstreamId: 'platform-b', priority: 1 }] }))

  esme = await connectEsme(a.ports.smpp)
  expect((await esme.bind('transceiver', 'demo', 'demopass')).command_status).toBe(Status.Ok)
}, StartTimeoutMs + 60_000)

afterAll(async () => {
  esme?.close()
  // A first: its pool unbinds from B's node, then B stops (B also when A left something behind).
  try {
    await stopStack(a)
  } finally {
    await stopStack(b)
  }
}, 120_000)

/** Submits through A and follows A's record until it is final, noting every state it was seen in. */
async function submitThroughA(destination: string) {
  const resp = await esme.call('submit_sm', {
    source_addr: 'CHAIN',
    destination_addr: destination,
    short_message: 'via B',
    registered_delivery: 1,
  })
  expect(resp.command_status).toBe(Status.Ok)
  const id = resp.message_id as string
  const states: string[] = []
  const receipt = esme.deliverSm(isReceiptOf(id), 90_000)
  // ENROUTE lasts at least B's simulator's receipt delay (1 s): polled every 100 ms, it is seen.
  let record: MessageRecord | undefined
  for (let i = 0; i < 900; i++) {
    record = await a.stores.messages.get(id)
    if (record && states.at(-1) !== record.state) states.push(record.state)
    if (record && ['DELIVERED', 'UNDELIVERABLE'].includes(record.state)) break
    await sleep(100)
  }
  return { id, states, record: record!, receipt: await receipt }
}

/** B's record of what A sent: charged to platform-a at B's price. */
const atB = (upstreamMessageId: string) =>
  eventually('B record', async () => {
    const m = await b.stores.messages.get(upstreamMessageId)
    return m && ['DELIVERED', 'UNDELIVERABLE'].includes(m.state) && m
  })

describe('two stacks chained: A -> smpp upstream platform-b = B node -> B simulator', () => {
  it('delivers: A client gets stat:DELIVRD with A id; A record ENROUTE -> DELIVERED with B id; B charged platform-a', async () => {
    const before = (await b.api('GET', '/accounts/platform-a/balance')).body.balance
    const { id, states, record, receipt } = await submitThroughA('447700900123')

    expect(receipt.receipted_message_id).toBe(id)
    expect(receiptFields(receipt)).toMatchObject({ id, stat: 'DELIVRD' })
    expect(states.slice(-2)).toEqual(['ENROUTE', 'DELIVERED'])
    expect(record).toMatchObject({ state: 'DELIVERED', upstreamId: 'platform-b', upstreamMessageId: expect.any(String) })

    const theirs = await atB(record.upstreamMessageId!)
    expect(theirs).toMatchObject({ accountId: 'platform-a', state: 'DELIVERED', parts: 1, cost: PriceAtB, upstreamId: 'simulator' })
    expect(theirs.messageId).not.toBe(id)
    expect((await b.api('GET', '/accounts/platform-a/balance')).body.balance).toBe(before - PriceAtB)
  }, 120_000)

  // Issue 14: binary with a UDH passes A's SMPP bind pool and B's HTTP upstream unchanged.
  it('passes a WAP Push SI to B with identical esm_class, data_coding, UDH and payload; B hands the same octets to its carrier', async () => {
    const resp = await esme.call('submit_sm', {
      source_addr: 'PUSH',
      destination_addr: '447700900124',
      esm_class: 0x40,
      data_coding: 0x04,
      short_message: WapPushSi,
      registered_delivery: 1,
    })
    expect(resp.command_status).toBe(Status.Ok)
    const id = resp.message_id as string
    const ours = await eventually('A record with B id', async () => (await a.stores.messages.get(id))?.upstreamMessageId)
    const theirs = await atB(ours)
    expect(theirs).toMatchObject({ accountId: 'platform-a', esmClass: 0x40, dataCoding: 0x04, parts: 1, cost: PriceAtB })
    // What B's node took from A's bind is what B's HTTP upstream (its carrier simulator) received.
    const atCarrier = await fetch(`http://127.0.0.1:${b.ports.simulator}/sms/${ours}`)
    expect(atCarrier.status).toBe(200)
    const got = (await atCarrier.json()) as HttpSubmitRequest
    expect(got).toMatchObject({ esmClass: 0x40, dataCoding: 0x04, to: '447700900124' })
    expect(Buffer.from(got.shortMessage, 'base64').toString('hex')).toBe(WapPushSi.toString('hex'))
  }, 120_000)

  it('fails: B simulator UNDELIV (999001) reaches A client as stat:UNDELIV; B refunds platform-a', async () => {
    const before = (await b.api('GET', '/accounts/platform-a/balance')).body.balance
    const { id, record, receipt } = await submitThroughA('9990010001')

    expect(receipt.receipted_message_id).toBe(id)
    expect(receiptFields(receipt)).toMatchObject({ id, stat: 'UNDELIV' })
    expect(record).toMatchObject({ state: 'UNDELIVERABLE', upstreamId: 'platform-b' })
    // The refund follows the final state (lib/domain/dlr.ts); A's demo account is refunded too.
    await eventually('refund at A', async () => (await a.stores.messages.get(id))?.refunded === true)

    await eventually('refund at B', async () => (await b.stores.messages.get(record.upstreamMessageId!))?.refunded === true)
    expect(await b.stores.messages.get(record.upstreamMessageId!)).toMatchObject({ accountId: 'platform-a', state: 'UNDELIVERABLE' })
    await eventually('refund at B', async () => (await b.api('GET', '/accounts/platform-a/balance')).body.balance === before)
  }, 120_000)
})
