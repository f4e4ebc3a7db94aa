import { describe, expect, it } from 'vitest'
import { memoryStores } from '../../lib/adapters/memory'
import { account, seed, T0, testDeps } from '../../lib/domain/fixtures'
import type { SubmitJob } from '../../lib/domain/jobs'
import type { Account } from '../../lib/domain/model'
import { submitBatch } from '../../lib/domain/submit'
import { ShiftSamples } from '../../lib/encoding/shift-samples'
import type { QueueSender } from '../../lib/ports'
import { createApi } from './app'
import { hashKey } from './auth'
import { quietLog, type TestResponse } from './fixture'

/**
 * The HTTP send route and the webhook settings over memory stores. The submit queue hands each job straight to the
 * real submit pipeline (lib/domain/submit.ts submitBatch), so the verdict the route answers is the one it decided.
 */
async function setup(opts: { balance?: number; speed?: number; throttle?: Account['throttle'] } = {}) {
  const stores = memoryStores({ now: () => T0 })
  await seed(stores, account({ balance: opts.balance ?? 1_000, speed: opts.speed ?? 100, throttle: opts.throttle }))
  await stores.accounts.create(account({ accountId: 'beta', tariffPlan: 'beta' }))
  for (const [key, role, accountId] of [
    ['k-admin', 'admin', undefined],
    ['k-acme', 'account', 'acme'],
  ] as const)
    await stores.reference.putApiKey({
      keyHash: hashKey(key),
      role,
      name: key,
      createdAt: T0.toISOString(),
      ...(accountId ? { accountId } : {}),
    })
  const pipeline = testDeps(stores, { now: () => T0 })
  const submitted: SubmitJob[] = []
  const queues: QueueSender = {
    async send(url, body) {
      if (url !== 'queue://submit') throw new Error(`unexpected queue ${url}`)
      submitted.push(body as SubmitJob)
      await submitBatch(pipeline, [body as SubmitJob])
    },
    async sendBatch() {
      throw new Error('not used')
    },
  }
  const app = createApi({ stores, now: () => T0, log: quietLog(), queues, submitQueueUrl: 'queue://submit', sleep: async () => {} })
  const call = async (path: string, key: string, method = 'GET', json?: unknown): Promise<TestResponse> =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      body: json === undefined ? undefined : JSON.stringify(json),
    })
  return { stores, call, submitted }
}

describe('POST /accounts/{id}/messages', () => {
  it('answers 201 with the message id the pipeline charged, for an account key on its own account', async () => {
    const { stores, call, submitted } = await setup()
    const res = await call('/accounts/acme/messages', 'k-acme', 'POST', { from: 'ACME', to: '447700900123', text: 'hi' })
    expect(res.status).toBe(201)
    const body = await res.json()
    expect(body).toEqual({ messageId: submitted[0].messageId, status: 0, parts: 1, dataCoding: 0 })
    expect(body.messageId).toMatch(/^[0-9A-Z]{24}$/)
    expect((await stores.messages.get(body.messageId))?.state).toBe('ACCEPTED')
  })

  // Issue 17: HTTP sends spend the account's speed and windows as SMPP does; over them, 0x58 as a JSON error with 429.
  it.each([
    ['speed', { speed: 3 }],
    ['minute window', { speed: 100, throttle: { perMinute: 3 } }],
  ])('answers 429 with 0x58 once the %s is spent, and queues nothing for it', async (_, limits) => {
    const { call, submitted } = await setup(limits)
    let n = 0 // a new number each time: the account's duplicate window would refuse the same text to the same one
    const send = () => call('/accounts/acme/messages', 'k-acme', 'POST', { from: 'ACME', to: `44770090012${n++}`, text: 'hi' })
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(201)
    const res = await send()
    expect(res.status).toBe(429)
    expect((await res.json()).error).toMatchObject({ code: 'ESME_RTHROTTLED', status: 0x58, statusHex: '0x0058' })
    expect(submitted).toHaveLength(3)
  })

  it('answers the parts billed, and those saved, for a UCS2 text its upstream takes in a shift table (issue 17)', async () => {
    const { stores, call } = await setup()
    await stores.reference.putUpstream({
      upstreamId: 'up-a',
      kind: 'http',
      url: 'http://127.0.0.1:9/none',
      timeoutMs: 500,
      shiftTables: [1],
    })
    const [[, , turkish]] = ShiftSamples
    const res = await call('/accounts/acme/messages', 'k-acme', 'POST', { from: 'ACME', to: '447700900123', text: turkish })
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({ status: 0, parts: 2, partsSaved: 1, dataCoding: 8 })
  })

  it('answers 422 with the command_status of a refusal: 0x0433 when the account cannot pay', async () => {
    const { call } = await setup({ balance: 0 })
    const res = await call('/accounts/acme/messages', 'k-acme', 'POST', { from: 'ACME', to: '447700900123', text: 'hi' })
    expect(res.status).toBe(422)
    expect((await res.json()).error).toMatchObject({ code: 'PLATFORM_INSUFFICIENT_FUNDS', status: 0x0433, statusHex: '0x0433' })
  })

  it('refuses another account (403), a body with both text and data (400), and bad hex (400)', async () => {
    const { call, submitted } = await setup()
    expect((await call('/accounts/beta/messages', 'k-acme', 'POST', { from: 'A', to: '4477', text: 'x' })).status).toBe(403)
    expect((await call('/accounts/acme/messages', 'k-acme', 'POST', { from: 'A', to: '4477', text: 'x', data: '00' })).status).toBe(400)
    expect((await call('/accounts/acme/messages', 'k-acme', 'POST', { from: 'A', to: '4477', data: 'zz' })).status).toBe(400)
    expect(submitted).toEqual([])
  })
})

describe('account webhook settings', () => {
  it('shows the signing secret once, in the PUT answer, never in account views; only an admin sets it', async () => {
    const { call } = await setup()
    expect((await call('/accounts/acme/webhook', 'k-acme', 'PUT', { url: 'https://example.com/h' })).status).toBe(403)
    const set = await (await call('/accounts/acme/webhook', 'k-admin', 'PUT', { url: 'https://example.com/h' })).json()
    expect(set).toEqual({ url: 'https://example.com/h', secret: expect.stringMatching(/^whsec_[\w-]{32}$/) })
    expect(await (await call('/accounts/acme/webhook', 'k-acme')).json()).toEqual({ url: 'https://example.com/h' })
    const view = await (await call('/accounts/acme', 'k-acme')).json()
    expect(JSON.stringify(view)).not.toContain(set.secret)
    expect((await call('/accounts/acme/webhook', 'k-admin', 'PUT', { url: 'ftp://example.com/h' })).status).toBe(400)
    expect((await call('/accounts/acme/webhook', 'k-admin', 'DELETE')).status).toBe(204)
    expect(await (await call('/accounts/acme/webhook', 'k-acme')).json()).toEqual({})
  })
})
