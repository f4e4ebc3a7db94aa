import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Status } from '../../lib/smpp/status'
import { sharedServicesStack } from '../integration/stacks'
import { connectEsme, type Esme, isReceiptOf, receiptFields } from './esme'
import { createAccount, expectStatus, inOneMinute } from './fixtures'
import { type Stack, StartTimeoutMs, stopStack } from './stack'

/**
 * Issue 17 part A against `npm start`'s stack, with the npm `smpp` client: message_id formats per account,
 * throttles over several windows, re-encoding towards upstreams that accept national shift tables.
 */
vi.setConfig({ testTimeout: 90_000 })
let stack: Stack
const open: Esme[] = []

async function session(base: string, settings: Record<string, unknown> = {}) {
  const acct = await createAccount(stack, base, { settings })
  const e = await connectEsme(stack.ports.smpp)
  open.push(e)
  expectStatus((await e.bind('transceiver', acct.id, acct.password)).command_status, Status.Ok)
  return { ...acct, esme: e }
}
let n = 0
const dest = () => `4477009${String(Date.now() % 1e5).padStart(5, '0')}${n++}`

beforeAll(async () => {
  stack = await sharedServicesStack()
}, StartTimeoutMs + 30_000)

afterAll(async () => {
  for (const e of open) e.close()
  await stopStack(stack)
}, 90_000)

describe('message_id format per account', () => {
  it.each([
    ['decimal', /^[1-9]\d{9}$/],
    ['hex', /^[0-9a-f]{29}$/],
    ['opaque', /^[0-9A-Z]{24}$/],
  ])('%s: the same id in submit_sm_resp, the receipt id:, receipted_message_id and query_sm', async (format, shape) => {
    const { esme } = await session(format.slice(0, 3), { messageIdFormat: format })
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const resp = await esme.call('submit_sm', {
        source_addr: 'E2E',
        destination_addr: dest(),
        short_message: 'id test',
        registered_delivery: 1,
      })
      expectStatus(resp.command_status, Status.Ok)
      expect(resp.message_id).toMatch(shape)
      ids.push(resp.message_id)
    }
    expect(new Set(ids).size).toBe(3)
    for (const id of ids) {
      const receipt = await esme.deliverSm(isReceiptOf(id))
      expect(receiptFields(receipt).stat).toBe('DELIVRD')
      expect(receipt.receipted_message_id).toBe(id)
      const q = await esme.call('query_sm', { message_id: id, source_addr: 'E2E' })
      expectStatus(q.command_status, Status.Ok)
      expect(q.message_id).toBe(id)
    }
  })

  it('decimal: the same digits from another decimal account name nothing of the first', async () => {
    const a = await session('deca', { messageIdFormat: 'decimal' })
    const b = await session('decb', { messageIdFormat: 'decimal' })
    const resp = await a.esme.call('submit_sm', { source_addr: 'E2E', destination_addr: dest(), short_message: 'mine' })
    expectStatus(resp.command_status, Status.Ok)
    expectStatus((await a.esme.call('query_sm', { message_id: resp.message_id, source_addr: 'E2E' })).command_status, Status.Ok)
    expectStatus((await b.esme.call('query_sm', { message_id: resp.message_id, source_addr: 'E2E' })).command_status, Status.InvMsgId)
  })
})

describe('throttles over windows and in flight', () => {
  it('0x58 once the parts of the minute window are spent, whatever the speed allows', async () => {
    const { esme } = await session('min', { speed: 1_000, throttle: { perMinute: 5 } })
    // A 2-part text (UDH8 concat counts per part) and singles: 2 + 1 + 1 + 1 = 5 parts fit, the next is over. The
    // window is the UTC minute: the five must share one (inOneMinute; a turn among them made the fifth pass).
    const long = 'x'.repeat(200)
    const { result: statuses } = await inOneMinute(async () => {
      const got = [(await esme.call('submit_sm', { source_addr: 'E2E', destination_addr: dest(), message_payload: long })).command_status]
      for (let i = 0; i < 4; i++)
        got.push((await esme.call('submit_sm', { source_addr: 'E2E', destination_addr: dest(), short_message: 'w' })).command_status)
      return got
    })
    expect(statuses).toEqual([Status.Ok, Status.Ok, Status.Ok, Status.Ok, Status.Throttled])
  })

  it('0x14 for a second message in flight to a prefix limited to one, while another prefix still passes', async () => {
    const { esme } = await session('inf', { throttle: { inFlight: [{ prefix: '4477', max: 1 }] } })
    const sends = [0, 1, 2].map(() => esme.call('submit_sm', { source_addr: 'E2E', destination_addr: dest(), short_message: 'f' }))
    const other = esme.call('submit_sm', { source_addr: 'E2E', destination_addr: '4930123456', short_message: 'f' })
    const statuses = (await Promise.all(sends)).map((r) => r.command_status)
    expect(statuses[0]).toBe(Status.Ok)
    expect(statuses.slice(1)).toContain(Status.MsgQFul)
    expectStatus((await other).command_status, Status.Ok)
    // Once answered, the slot is free again.
    expectStatus(
      (await esme.call('submit_sm', { source_addr: 'E2E', destination_addr: dest(), short_message: 'f' })).command_status,
      Status.Ok,
    )
  })

  it('the admin API keeps the throttle and refuses an unknown field in it', async () => {
    const acct = await createAccount(stack, 'api', { settings: { throttle: { perHour: 1000, burstSec: 2 } } })
    const got = await stack.api('GET', `/accounts/${acct.id}`)
    expect(got.body.throttle).toEqual({ perHour: 1000, burstSec: 2 })
    expect((await stack.api('PATCH', `/accounts/${acct.id}`, { throttle: { perWeek: 1 } })).status).toBe(400)
    const patched = await stack.api('PATCH', `/accounts/${acct.id}`, { throttle: { perMinute: 60 }, messageIdFormat: 'hex' })
    expect(patched.body.throttle).toEqual({ perMinute: 60 })
    expect(patched.body.messageIdFormat).toBe('hex')
  })
})
