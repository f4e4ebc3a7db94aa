import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import type { WebhookPoster } from '../ports/webhook-poster'
import { deliverToAccount } from './deliver'
import { account, memoryLog, T0, testDeps } from './fixtures'
import { receiptDeliver } from './receipts'
import { parseWebhookJob, type WebhookJob, webhookEventId } from './webhook-event'
import { SignatureHeader, sendWebhook, signWebhook, WebhookIdHeader, webhookBackoffSec } from './webhook-send'

const receipt = receiptDeliver({
  messageId: 'M1',
  sourceAddr: 'ACME',
  destinationAddr: '447700900123',
  submitDate: T0,
  doneDate: new Date(T0.getTime() + 60_000),
  state: 'DELIVERED',
  err: 0,
  text: 'hello',
})

/** A receiver that answers the scripted statuses in turn and keeps what it got. */
function receiver(statuses: number[]): WebhookPoster & { got: { url: string; body: string; headers: Record<string, string> }[] } {
  const got: { url: string; body: string; headers: Record<string, string> }[] = []
  return {
    got,
    async post(url, body, headers) {
      got.push({ url, body, headers })
      return statuses.shift() ?? 200
    },
  }
}

describe('webhook destination and sender', () => {
  const setup = async (withWebhook = true) => {
    let now = T0
    const stores = memoryStores({ now: () => now })
    const hook = withWebhook ? { webhookUrl: 'https://example.com/hook', webhookSecret: 'whsec_test' } : {}
    await stores.accounts.create(account(hook))
    const deps = testDeps(stores, { now: () => now })
    const step = (ms: number) => {
      now = new Date(now.getTime() + ms)
    }
    return { stores, deps, step }
  }

  it('keeps a receipt of an account with a webhook as one event and queues it, instead of store and forward', async () => {
    const { stores, deps } = await setup()
    await deliverToAccount(deps, 'acme', 'RECEIPT#M1#DELIVERED', receipt)
    await deliverToAccount(deps, 'acme', 'RECEIPT#M1#DELIVERED', receipt) // the pipeline's retry
    const eventId = webhookEventId('RECEIPT#M1#DELIVERED')
    expect(await stores.pending.list('acme', T0, 10)).toEqual([])
    const event = await stores.webhooks.get('acme', eventId)
    expect(event?.body).toEqual({
      id: eventId,
      type: 'receipt',
      createdAt: T0.toISOString(),
      from: '447700900123',
      to: 'ACME',
      messageId: 'M1',
      state: 'DELIVERED',
      stat: 'DELIVRD',
      err: '000',
      doneAt: '2025-03-01T12:01:00.000Z',
      networkErrorCode: '030000',
    })
    expect(deps.queue.bodies<WebhookJob>('queue://webhook')).toEqual([
      { v: 1, accountId: 'acme', eventId },
      { v: 1, accountId: 'acme', eventId },
    ])
    expect((await stores.webhooks.list('acme', T0, 10)).items).toHaveLength(1)
  })

  it('leaves an account without a webhook on store and forward', async () => {
    const { stores, deps } = await setup(false)
    await deliverToAccount(deps, 'acme', 'RECEIPT#M1#DELIVERED', receipt)
    expect(await stores.pending.list('acme', T0, 10)).toHaveLength(1)
    expect(deps.queue.bodies('queue://webhook')).toEqual([])
  })

  it('signs the raw body with HMAC-SHA256 over "<t>.<body>", retries a refusal, and sends a delivered event once', async () => {
    const { stores, deps, step } = await setup()
    await deliverToAccount(deps, 'acme', 'RECEIPT#M1#DELIVERED', receipt)
    const [job] = deps.queue.bodies<WebhookJob>('queue://webhook').map((b) => parseWebhookJob(JSON.stringify(b)))
    const poster = receiver([503, 0, 200])
    const send = { stores, poster, now: deps.now, log: memoryLog() }
    expect(await sendWebhook(send, job)).toEqual({ retry: 503 })
    step(1_000)
    expect(await sendWebhook(send, job)).toEqual({ retry: 0 })
    step(2_000)
    expect(await sendWebhook(send, job)).toBe('delivered')
    expect(await sendWebhook(send, job)).toBe('already-delivered')
    expect(poster.got).toHaveLength(3)
    const last = poster.got[2]
    const t = Math.floor((T0.getTime() + 3_000) / 1000)
    const mac = createHmac('sha256', 'whsec_test').update(`${t}.${last.body}`).digest('hex')
    expect(last.headers[SignatureHeader]).toBe(`t=${t},v1=${mac}`)
    expect(signWebhook('whsec_test', t, last.body)).toBe(last.headers[SignatureHeader])
    expect(last.headers[WebhookIdHeader]).toBe(job.eventId)
    expect(await stores.webhooks.get('acme', job.eventId)).toMatchObject({
      attempts: 3,
      lastStatus: 200,
      deliveredAt: new Date(T0.getTime() + 3_000).toISOString(),
    })
    // A replay sends the same body again, however delivered.
    expect(await sendWebhook(send, { ...job, replay: true })).toBe('delivered')
    expect(poster.got[3].body).toBe(last.body)
  })

  it('drops an event past its validity without posting it', async () => {
    const { stores, deps, step } = await setup()
    await deliverToAccount(deps, 'acme', 'RECEIPT#M1#DELIVERED', receipt)
    const [job] = deps.queue.bodies<WebhookJob>('queue://webhook')
    step(deps.cfg.pendingValidityHours * 3_600_000)
    const poster = receiver([])
    expect(await sendWebhook({ stores, poster, now: deps.now, log: memoryLog() }, job)).toBe('gone')
    expect(poster.got).toEqual([])
  })

  it('posts a long MO once, reassembled from its UDH parts in whatever order they come', async () => {
    const { stores, deps } = await setup()
    const text = ['Part one of a long MO, ', 'part two of it, ', 'and the end.']
    const mo = (seq: number) => ({
      kind: 'mo' as const,
      sourceAddr: '447700900001',
      sourceAddrTon: 1,
      sourceAddrNpi: 1,
      destinationAddr: '447700900999',
      destAddrTon: 1,
      destAddrNpi: 1,
      esmClass: 0x40, // UDHI: short_message starts with a UDH (SMPP 3.4 5.2.12)
      dataCoding: 0,
      // 8-bit reference concatenation IE 0x00 (TS 23.040 9.2.3.24.1): reference 0x2a, 3 parts, this one's number
      shortMessage: Buffer.concat([Buffer.from([5, 0, 3, 0x2a, 3, seq]), Buffer.from(text[seq - 1], 'latin1')]).toString('base64'),
    })
    for (const seq of [2, 3]) await deliverToAccount(deps, 'acme', `MO#part${seq}`, mo(seq))
    expect(deps.queue.bodies('queue://webhook')).toEqual([])
    await deliverToAccount(deps, 'acme', 'MO#part1', mo(1))
    await deliverToAccount(deps, 'acme', 'MO#part3-again', mo(3)) // a part redelivered names the same whole
    const jobs = deps.queue.bodies<WebhookJob>('queue://webhook')
    expect(new Set(jobs.map((j) => j.eventId)).size).toBe(1)
    const { items } = await stores.webhooks.list('acme', T0, 10)
    expect(items.map((e) => e.body)).toEqual([
      expect.objectContaining({ type: 'mo', from: '447700900001', to: '447700900999', text: text.join(''), dataCoding: 0 }),
    ])
  })

  it('backs off 2, 4, 8 ... seconds by receive count, at most an hour', () => {
    expect([1, 2, 3, 4, 12, 13, 40].map((n) => webhookBackoffSec(n, 2))).toEqual([2, 4, 8, 16, 3600, 3600, 3600])
  })
})
