import { expect, it } from 'vitest'
import { submitJob } from './fixtures'
import { parseDispatchJob, parseSubmitJob, parseUpstreamEvent } from './parse'

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
