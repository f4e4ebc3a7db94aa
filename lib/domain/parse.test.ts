import { expect, it } from 'vitest'
import { submitJob } from './fixtures'
import { parseCallbackMessage, parseDispatchJob, parseSubmitJob, parseUpstreamEvent } from './parse'

it('reads a submit job as the node writes it', () => {
  const job = submitJob({ sar: { ref: 1, total: 2, seq: 1 } })
  expect(parseSubmitJob(JSON.stringify(job))).toEqual(job)
})

it.each([
  ['not JSON', '{"v":1,'],
  ['a newer version', JSON.stringify({ ...submitJob(), v: 2 })],
  ['no destination', JSON.stringify({ ...submitJob(), destinations: [] })],
  ['no message id', JSON.stringify({ ...submitJob(), messageId: '' })],
])('refuses %s (the record fails alone and ends in the DLQ)', (_what, body) => {
  expect(() => parseSubmitJob(body)).toThrow()
})

it('reads receipts and MO events, and refuses anything else', () => {
  const receipt = { type: 'receipt', upstreamId: 'u', upstreamMessageId: 'x', stat: 'DELIVRD', err: 0, doneAt: '2025-01-01T00:00:00Z' }
  expect(parseUpstreamEvent(JSON.stringify(receipt))).toEqual(receipt)
  expect(() => parseUpstreamEvent(JSON.stringify({ ...receipt, type: 'other' }))).toThrow()
  expect(() => parseDispatchJob(JSON.stringify({ v: 1 }))).toThrow()
})

it('reads the callback queue: a verdict, a delivery; refuses a delivery without its payload or a verdict without status', () => {
  const verdict = { type: 'verdict', messageId: 'm1', status: 0x45 }
  const deliver = {
    type: 'deliver',
    accountId: 'acme',
    pendingSk: 'sk1',
    deliver: {
      kind: 'receipt',
      sourceAddr: '4915112345678',
      sourceAddrTon: 1,
      sourceAddrNpi: 1,
      destinationAddr: '4930',
      destAddrTon: 1,
      destAddrNpi: 1,
      esmClass: 4,
      dataCoding: 0,
      shortMessage: 'aWQ6MQ==',
      receiptedMessageId: 'm1',
      messageState: 2,
    },
  }
  expect(parseCallbackMessage(JSON.stringify(verdict))).toEqual(verdict)
  expect(parseCallbackMessage(JSON.stringify(deliver))).toEqual(deliver)
  expect(() => parseCallbackMessage(JSON.stringify({ ...deliver, deliver: undefined }))).toThrow()
  expect(() => parseCallbackMessage(JSON.stringify({ type: 'verdict', messageId: 'm1' }))).toThrow()
})

it('reads a bundle of verdicts (issue 16), with submit_multi refusals and adoptions, and refuses a malformed one', () => {
  const bundle = {
    type: 'verdicts',
    verdicts: [
      { messageId: 'm1', status: 0 },
      { messageId: 'm2', status: 0, unsuccess: [{ addr: '1212', ton: 1, npi: 1, status: 0x43c }] },
      { messageId: 'm3', status: 0, adoptedId: 'm0' },
    ],
  }
  expect(parseCallbackMessage(JSON.stringify(bundle))).toEqual(bundle)
  expect(() => parseCallbackMessage('{"type":"verdicts","verdicts":[]}')).toThrow()
  expect(() => parseCallbackMessage('{"type":"verdicts","verdicts":[{"messageId":"m1","status":"0"}]}')).toThrow()
  expect(() => parseCallbackMessage('{"type":"verdicts"}')).toThrow()
})
