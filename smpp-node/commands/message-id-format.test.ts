import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SubmitJob } from '../../lib/domain/jobs'
import { decimalRecordId } from '../../lib/domain/message-id-format'
import type { MessageRecord } from '../../lib/domain/model'
import { Status } from '../../lib/smpp/status'
import { testAccount } from '../testing/accounts'
import { bindTrx, call, connectClient, type Harness, startNode } from '../testing/harness'
import type { SmppSession } from '../testing/smpp-package'

// Issue 17: the message_id an account sees is in its format, and query_sm / cancel_sm take it back.
describe('message_id formats on the node', () => {
  let h: Harness
  let s: SmppSession
  const jobs: SubmitJob[] = []
  beforeEach(async () => {
    jobs.length = 0
    h = await startNode({
      accounts: [testAccount('dec', 'pw', { messageIdFormat: 'decimal' }), testAccount('hexa', 'pw', { messageIdFormat: 'hex' })],
      verdictOf: (job) => {
        jobs.push(job)
        return 0
      },
    })
    s = await connectClient(h.port)
  })
  afterEach(async () => {
    s.destroy()
    await h.close()
  })

  it('decimal: submit_sm_resp has 10 digits, and the job carries the record id with the account in it', async () => {
    expect((await bindTrx(s, 'dec', 'pw')).command_status).toBe(Status.Ok)
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      const resp = await call(s, 'submit_sm', { destination_addr: '4915112345678', short_message: 'hi' })
      expect(resp.command_status).toBe(Status.Ok)
      ids.push(resp.message_id)
    }
    for (const id of ids) expect(id).toMatch(/^[1-9]\d{9}$/)
    expect(new Set(ids).size).toBe(5)
    expect(jobs.map((j) => j.messageId)).toEqual(ids.map((id) => decimalRecordId(id, 'dec')))
  })

  it('hex: submit_sm_resp has the record id itself, 29 hex digits', async () => {
    expect((await bindTrx(s, 'hexa', 'pw')).command_status).toBe(Status.Ok)
    const resp = await call(s, 'submit_sm', { destination_addr: '4915112345678', short_message: 'hi' })
    expect(resp.message_id).toMatch(/^[0-9a-f]{29}$/)
    expect(jobs[0].messageId).toBe(resp.message_id)
  })

  it('decimal: query_sm and cancel_sm find the record by the digits only for their account', async () => {
    expect((await bindTrx(s, 'dec', 'pw')).command_status).toBe(Status.Ok)
    const resp = await call(s, 'submit_sm', { destination_addr: '4915112345678', short_message: 'hi' })
    const record = jobs[0].messageId
    const message: MessageRecord = {
      messageId: record,
      accountId: 'dec',
      state: 'ACCEPTED',
      sourceAddr: '',
      destinationAddr: '4915112345678',
      dataCoding: 0,
      esmClass: 0,
      registeredDelivery: 0,
      parts: 1,
      price: 5,
      cost: 5,
      currency: 'EUR',
      tariffPrefix: '',
      errorCode: 0,
      createdAt: new Date().toISOString(),
      refunded: false,
      text: 'hi',
    }
    const entry = {
      accountId: 'dec',
      entryId: `c-${record}`,
      at: message.createdAt,
      kind: 'charge' as const,
      amount: -5,
      messageId: record,
    }
    const usageDay = message.createdAt.slice(0, 10)
    await h.stores.ledger.chargeOnce({ message, entry, usageDay, decisionExpiresAt: Math.floor(Date.now() / 1000) + 3600 })
    expect((await call(s, 'query_sm', { message_id: resp.message_id })).command_status).toBe(Status.Ok)
    expect((await call(s, 'query_sm', { message_id: 'x1' })).command_status).toBe(Status.InvMsgId)
    expect((await call(s, 'cancel_sm', { message_id: resp.message_id })).command_status).toBe(Status.Ok)
    const other = await connectClient(h.port)
    expect((await bindTrx(other, 'hexa', 'pw')).command_status).toBe(Status.Ok)
    expect((await call(other, 'query_sm', { message_id: resp.message_id })).command_status).toBe(Status.InvMsgId)
    other.destroy()
  })
})
