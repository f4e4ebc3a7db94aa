import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Status } from '../../lib/smpp/status'
import { connectEsme, type Esme, isReceiptOf, receiptFields } from './esme'
import { createAccount, expectStatus } from './fixtures'
import { type Stack, StartTimeoutMs, startStack, stopStack } from './stack'

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
  stack = await startStack()
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
