import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MessageRecord, MessageStateName } from '../../lib/domain/model'
import type { Stores } from '../../lib/ports'
import { MessageState } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import { testAccount } from '../testing/accounts'
import { bindTrx, call, connectClient, type Harness, startNode } from '../testing/harness'
import type { SmppSession } from '../testing/smpp-package'

/** A message record as the pipeline writes it when it charges (the only way records come to exist). */
async function storeMessage(
  stores: Stores,
  messageId: string,
  accountId: string,
  state: MessageStateName = 'ACCEPTED',
  extra: Partial<MessageRecord> = {},
) {
  const message: MessageRecord = {
    messageId,
    accountId,
    state: 'ACCEPTED',
    sourceAddr: '4930123',
    destinationAddr: '4915112345678',
    dataCoding: 0,
    esmClass: 0,
    registeredDelivery: 1,
    parts: 1,
    price: 5,
    cost: 5,
    currency: 'EUR',
    tariffPrefix: '49',
    errorCode: 0,
    createdAt: '2025-03-01T10:00:00.000Z',
    refunded: false,
    text: 'hello',
    ...extra,
  }
  const r = await stores.ledger.chargeOnce({
    message,
    entry: { accountId, entryId: `c-${messageId}`, at: message.createdAt, kind: 'charge', amount: -5, messageId },
    usageDay: '2025-03-01',
    decisionExpiresAt: Math.floor(Date.now() / 1000) + 3600,
  })
  expect(r.result).toBe('charged')
  if (state !== 'ACCEPTED') {
    await stores.messages.transition(messageId, ['ACCEPTED'], state, { doneAt: '2025-03-01T10:05:07.300Z', errorCode: 0x10b })
  }
}

// Issue 4: query_sm and cancel_sm read and conditionally update the message record directly.
describe('query_sm and cancel_sm', () => {
  let h: Harness
  let s: SmppSession
  beforeEach(async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw'), testAccount('other', 'pw')] })
    s = await connectClient(h.port)
    expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
  })
  afterEach(async () => {
    s.destroy()
    await h.close()
  })

  it('query_sm returns the state, the final date and the error code', async () => {
    await storeMessage(h.stores, 'M1', 'acme', 'UNDELIVERABLE')
    const resp = await call(s, 'query_sm', { message_id: 'M1', source_addr: '4930123' })
    expect(resp.command_status).toBe(Status.Ok)
    expect(resp).toMatchObject({ message_id: 'M1', message_state: MessageState.Undeliverable, error_code: 0x0b })
    // The client parses the absolute time (section 7.1.1) back: 250301100507300+ is the record's doneAt.
    expect((resp.final_date as Date).toISOString()).toBe('2025-03-01T10:05:07.300Z')
  })

  it('query_sm of a message still on its way has no final date', async () => {
    await storeMessage(h.stores, 'M2', 'acme')
    expect(await call(s, 'query_sm', { message_id: 'M2' })).toMatchObject({
      command_status: 0,
      message_state: MessageState.Accepted,
      final_date: '',
    })
  })

  it("query_sm of an unknown id or another account's message gets ESME_RINVMSGID", async () => {
    await storeMessage(h.stores, 'THEIRS', 'other')
    expect((await call(s, 'query_sm', { message_id: 'NOPE' })).command_status).toBe(Status.InvMsgId)
    expect((await call(s, 'query_sm', { message_id: 'THEIRS' })).command_status).toBe(Status.InvMsgId)
  })

  it('cancel_sm deletes a message not yet final, once', async () => {
    await storeMessage(h.stores, 'C1', 'acme')
    expect((await call(s, 'cancel_sm', { message_id: 'C1', source_addr: '4930123' })).command_status).toBe(Status.Ok)
    expect((await h.stores.messages.get('C1'))?.state).toBe('DELETED')
    expect((await call(s, 'cancel_sm', { message_id: 'C1' })).command_status).toBe(Status.CancelFail)
  })

  it('cancel_sm refuses final messages, other accounts, a foreign source_addr and unknown ids with ESME_RCANCELFAIL', async () => {
    await storeMessage(h.stores, 'DONE', 'acme', 'DELIVERED')
    await storeMessage(h.stores, 'THEIRS', 'other')
    await storeMessage(h.stores, 'MINE', 'acme')
    for (const params of [
      { message_id: 'DONE' },
      { message_id: 'THEIRS' },
      { message_id: 'NOPE' },
      { message_id: 'MINE', source_addr: '999' },
      { message_id: '' },
    ]) {
      expect((await call(s, 'cancel_sm', params)).command_status).toBe(Status.CancelFail)
    }
    expect((await h.stores.messages.get('THEIRS'))?.state).toBe('ACCEPTED')
    expect((await h.stores.messages.get('MINE'))?.state).toBe('ACCEPTED')
  })

  // Issue 14: cancel_sm hands its settle (refund, usage, receipt) to the due sweep through the record's dueAt.
  it('cancel_sm leaves the deleted message due now, for the settle path', async () => {
    await storeMessage(h.stores, 'C2', 'acme')
    expect((await call(s, 'cancel_sm', { message_id: 'C2' })).command_status).toBe(Status.Ok)
    const m = await h.stores.messages.get('C2')
    expect(m).toMatchObject({ state: 'DELETED' })
    expect(m?.dueAt).toBe(m?.doneAt)
  })

  it('cancel_sm with no message_id cancels the waiting messages of that source_addr (and destination_addr), only those', async () => {
    const createdAt = new Date(Date.now() - 60_000).toISOString() // inside the scan window
    await storeMessage(h.stores, 'S1', 'acme', 'ACCEPTED', { createdAt })
    await storeMessage(h.stores, 'S2', 'acme', 'ACCEPTED', { createdAt, destinationAddr: '4915199999999' })
    await storeMessage(h.stores, 'S3', 'acme', 'ACCEPTED', { createdAt, sourceAddr: 'OTHER' })
    await storeMessage(h.stores, 'S4', 'other', 'ACCEPTED', { createdAt })
    const byAddress = { message_id: '', source_addr: '4930123', destination_addr: '4915112345678' }
    expect((await call(s, 'cancel_sm', byAddress)).command_status).toBe(Status.Ok)
    const states = async () => Promise.all(['S1', 'S2', 'S3', 'S4'].map(async (id) => (await h.stores.messages.get(id))?.state))
    expect(await states()).toEqual(['DELETED', 'ACCEPTED', 'ACCEPTED', 'ACCEPTED'])
    expect((await call(s, 'cancel_sm', { message_id: '', source_addr: '4930123' })).command_status).toBe(Status.Ok)
    expect(await states()).toEqual(['DELETED', 'DELETED', 'ACCEPTED', 'ACCEPTED'])
    expect((await call(s, 'cancel_sm', byAddress)).command_status).toBe(Status.CancelFail) // nothing left waiting
  })

  it('replace_sm of an unknown message or one no longer scheduled: ESME_RREPLACEFAIL', async () => {
    await storeMessage(h.stores, 'R1', 'acme')
    expect((await call(s, 'replace_sm', { message_id: 'R1', short_message: 'new' })).command_status).toBe(Status.ReplaceFail)
    expect((await call(s, 'replace_sm', { message_id: 'NOPE', short_message: 'new' })).command_status).toBe(Status.ReplaceFail)
  })

  it('replace_sm of a scheduled message rewrites it and leaves the price difference due', async () => {
    const at = new Date(Date.now() + 90_000).toISOString()
    const deferred = { v: 1, messageId: 'R2', esmClass: 0, shortMessage: '', registeredDelivery: 1 } as unknown as MessageRecord['deferred']
    await storeMessage(h.stores, 'R2', 'acme', 'ACCEPTED', {
      state: 'SCHEDULED',
      scheduledAt: at,
      dueAt: at,
      validUntil: at.replace(/^\d{4}/, '2099'),
      deferred,
    })
    const resp = await call(s, 'replace_sm', { message_id: 'R2', short_message: 'replaced text', registered_delivery: 0 })
    expect(resp.command_status).toBe(Status.Ok)
    expect(await h.stores.messages.get('R2')).toMatchObject({
      state: 'SCHEDULED',
      text: 'replaced text',
      registeredDelivery: 0,
      replaced: 1,
      cost: 5,
      deferred: { shortMessage: Buffer.from('replaced text').toString('base64'), registeredDelivery: 0 },
    })
    // Released meanwhile: the second replace is refused.
    await h.stores.messages.transition('R2', ['SCHEDULED'], 'ACCEPTED')
    expect((await call(s, 'replace_sm', { message_id: 'R2', short_message: 'again' })).command_status).toBe(Status.ReplaceFail)
  })
})
