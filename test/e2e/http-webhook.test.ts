import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { sharedServicesStack } from '../integration/stacks'
import { createAccount, putNumber } from './fixtures'
import { eventually, type Stack, StartTimeoutMs, stopStack } from './stack'
import { startReceiver } from './webhook-receiver'

/**
 * Issue 17 part B against the local stack: messages sent over HTTP (fetch) go through the same submit Lambda and the
 * carrier simulator, and their receipts and MO come back signed to a webhook receiver on 127.0.0.1, once by id even
 * when the receiver fails for a while. WEBHOOK_RETRY_BASE_SEC=1 keeps the backoff at 1, 2, 4 s.
 */
vi.setConfig({ testTimeout: 180_000 })
let stack: Stack
const receivers: { close(): Promise<void> }[] = []

beforeAll(async () => {
  stack = await sharedServicesStack({ WEBHOOK_RETRY_BASE_SEC: '1', SIMULATOR_RECEIPT_DELAY_MS: '100' })
}, StartTimeoutMs)
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()))
  await stopStack(stack)
})

/** An account with a webhook to a fresh receiver, and an account-role API key for it. */
async function webhookAccount(base: string, failFirst = 0, credit?: number) {
  let secret = ''
  const receiver = await startReceiver(() => secret, { failFirst })
  receivers.push(receiver)
  const { id } = await createAccount(stack, base, { credit })
  const set = await stack.api('PUT', `/accounts/${id}/webhook`, { url: receiver.url })
  expect(set.status).toBe(200)
  secret = set.body.secret
  const key = await stack.api('POST', '/api-keys', { role: 'account', accountId: id, name: `${id} sender` })
  expect(key.status).toBe(201)
  const send = (body: Record<string, unknown>) => stack.api('POST', `/accounts/${id}/messages`, body, key.body.key)
  return { id, receiver, send, key: key.body.key as string }
}

describe('HTTP send API with signed webhooks (local stack)', () => {
  it('sends a message over HTTP to the carrier simulator and POSTs its receipt, signed, to the webhook; replay sends it again', async () => {
    const { id, receiver, send, key } = await webhookAccount('hw')
    const sent = await send({ from: 'ACME', to: '447700900123', text: 'hello over http' })
    expect(sent.status, JSON.stringify(sent.body)).toBe(201)
    expect(sent.body).toMatchObject({ status: 0, parts: 1, dataCoding: 0 })
    const { messageId } = sent.body
    const receipt = await eventually('the receipt at the webhook', () =>
      [...receiver.delivered().values()].find((g) => g.body.messageId === messageId),
    )
    expect(receipt.signatureValid).toBe(true)
    expect(receipt.body).toMatchObject({
      type: 'receipt',
      id: receipt.id,
      messageId,
      state: 'DELIVERED',
      stat: 'DELIVRD',
      from: '447700900123',
    })
    // Kept for its validity, with its attempt, and replayable by its id.
    const listed = await stack.api('GET', `/accounts/${id}/webhook/events`, undefined, key)
    expect(listed.status).toBe(200)
    expect(listed.body.items.find((e: { eventId: string }) => e.eventId === receipt.id)).toMatchObject({ attempts: 1, lastStatus: 200 })
    const replay = await stack.api('POST', `/accounts/${id}/webhook/events/${receipt.id}/replay`, undefined, key)
    expect(replay.status).toBe(202)
    await eventually('the replayed receipt', () => receiver.got.filter((g) => g.id === receipt.id).length === 2)
    expect(receiver.got.filter((g) => g.id === receipt.id).map((g) => g.body)).toEqual([receipt.body, receipt.body])
  })

  it('answers a refusal with its platform code as SMPP would: insufficient funds is 0x0433, nothing sent', async () => {
    const { receiver, send } = await webhookAccount('hr', 0, 0)
    const refused = await send({ from: 'ACME', to: '447700900123', text: 'no money' })
    expect(refused.status).toBe(422)
    expect(refused.body.error).toMatchObject({ status: 0x0433, statusHex: '0x0433' })
    const unknownCoding = await send({ from: 'ACME', to: '447700900123', data: 'c0ffee', dataCoding: 0x0c })
    expect(unknownCoding.body.error).toMatchObject({ status: 0x0400 })
    expect(receiver.got).toEqual([])
  })

  it('delivers every receipt exactly once by id to a receiver that fails for a while and then recovers', async () => {
    const count = 8
    const { receiver, send } = await webhookAccount('hf', 12) // the first 12 POSTs get 503
    const ids: string[] = []
    for (let i = 0; i < count; i++) {
      const sent = await send({ from: 'ACME', to: `4477009001${String(i).padStart(2, '0')}`, text: `batch ${i}` })
      expect(sent.status, JSON.stringify(sent.body)).toBe(201)
      ids.push(sent.body.messageId)
    }
    await eventually('every receipt accepted by the receiver', () => receiver.delivered().size === count, 150_000, 500)
    const accepted = receiver.got.filter((g) => g.answered === 200)
    expect(new Set(accepted.map((g) => g.body.messageId))).toEqual(new Set(ids))
    // Exactly once: each event accepted once, and nothing accepted twice (no duplicate for the receiver to drop).
    expect(accepted).toHaveLength(count)
    expect(receiver.got.filter((g) => g.answered === 503)).toHaveLength(12)
    expect(receiver.got.every((g) => g.signatureValid)).toBe(true)
  })

  it('POSTs an MO injected at the simulator to the webhook of the account owning the number, whole', async () => {
    const { id, receiver } = await webhookAccount('hm')
    const msisdn = `4477009${String(Date.now()).slice(-5)}`
    await putNumber(stack, msisdn, id)
    const text = `${'A long MO of many words, '.repeat(7)}end.` // 180 characters in one short_message (the simulator sends no UDH parts)
    const res = await fetch(`http://127.0.0.1:${stack.ports.simulator}/mo`, {
      method: 'POST',
      body: JSON.stringify({ from: '447700900001', to: msisdn, text }),
    })
    expect(res.status).toBe(202)
    const mo = await eventually('the MO at the webhook', () => [...receiver.delivered().values()].find((g) => g.body.type === 'mo'))
    expect(mo.body).toMatchObject({ type: 'mo', from: '447700900001', to: msisdn, text, dataCoding: 0 })
  })
})
