import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { SubmitJob } from './jobs'
import { parseSubmitJob } from './parse'
import { submitJobJson } from './submit-job-json'

// Any UTF-16 code unit, lone surrogates and control characters included, next to the plain text the node mostly sees.
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))
const text = fc.oneof(fc.string(), fc.string({ unit: anyUnit }), fc.string({ unit: 'binary' }))
const int = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer())
const number = fc.oneof(int, fc.double())

// Keys in the order smpp-node/commands/submit-sm.ts builds the job (identifiers, then prepareSubmit's fields).
const job: fc.Arbitrary<SubmitJob> = fc
  .record({
    messageId: text,
    accountId: text,
    nodeId: text,
    replyTo: text,
    incarnation: fc.option(text, { nil: undefined }),
    receivedAt: text,
    deadline: number,
    async: fc.boolean(),
    command: fc.constantFrom('submit_sm', 'data_sm', 'submit_multi' as const),
    serviceType: text,
    sourceAddr: text,
    sourceAddrTon: int,
    sourceAddrNpi: int,
    destinations: fc.array(fc.record({ addr: text, ton: int, npi: int }), { minLength: 1, maxLength: 4 }),
    esmClass: int,
    protocolId: int,
    priorityFlag: int,
    registeredDelivery: int,
    dataCoding: int,
    validityPeriod: text,
    scheduleDeliveryTime: text,
    shortMessage: fc.base64String(),
    messagePayload: fc.option(fc.base64String(), { nil: undefined }),
    sar: fc.option(fc.record({ ref: int, total: int, seq: int }), { nil: undefined }),
    text,
    parts: int,
  })
  .map(({ incarnation, messagePayload, sar, ...rest }) => {
    const { messageId, accountId, nodeId, replyTo, receivedAt, deadline, async, ...fields } = rest
    const { text: t, parts, ...before } = fields
    return {
      v: 1 as const,
      messageId,
      accountId,
      nodeId,
      replyTo,
      // As the node does: the key is there with undefined when the node has no incarnation.
      incarnation,
      receivedAt,
      deadline,
      async,
      ...before,
      ...(messagePayload === undefined ? {} : { messagePayload }),
      ...(sar === undefined ? {} : { sar }),
      text: t,
      parts,
    }
  })

describe('submitJobJson', () => {
  it('writes what JSON.stringify writes, for any strings and numbers', () => {
    fc.assert(
      fc.property(job, (j) => {
        expect(submitJobJson(j)).toBe(JSON.stringify(j))
      }),
      { numRuns: 2000 },
    )
  })

  it('writes a job the pipeline reads back as sent', () => {
    const j: SubmitJob = {
      v: 1,
      messageId: '0MID000000000000001',
      accountId: 'acc',
      nodeId: 'node-1',
      replyTo: 'http://127.0.0.1:1/000000000000/callback-node-1',
      incarnation: 'node-1.abc',
      receivedAt: '2026-12-01T12:00:00.000Z',
      deadline: 1764590400000,
      async: false,
      command: 'submit_sm',
      serviceType: '',
      sourceAddr: 'Ünïcode "quoted" \\ \n',
      sourceAddrTon: 5,
      sourceAddrNpi: 0,
      destinations: [{ addr: '4915112345678', ton: 1, npi: 1 }],
      esmClass: 0x40,
      protocolId: 0,
      priorityFlag: 0,
      registeredDelivery: 1,
      dataCoding: 8,
      validityPeriod: '',
      scheduleDeliveryTime: '',
      shortMessage: 'BQADBwIB',
      messagePayload: 'aGVsbG8=',
      sar: { ref: 7, total: 2, seq: 1 },
      text: 'Δ€ 😀 \ud800',
      parts: 1,
    }
    expect(parseSubmitJob(submitJobJson(j))).toEqual(j)
  })
})
