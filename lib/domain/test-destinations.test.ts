import { describe, expect, it } from 'vitest'
import { outcomeFor, plannedReceipts, TestPrefixes } from './test-destinations'

const at = new Date('2026-03-10T12:00:00.000Z')
const plan = (to: string, delayMs = 1_000) =>
  plannedReceipts(outcomeFor(to), { upstreamId: 'sandbox', messageId: 'm1', upstreamMessageId: 'u1', submittedAt: at, delayMs })

describe('test destinations (issue 19: one rule set for the simulator and the AWS sandbox)', () => {
  it.each([
    ['447700900123', 'DELIVRD', 0, undefined],
    [`${TestPrefixes.Undeliverable}5`, 'UNDELIV', 1, '030001'],
    [`+${TestPrefixes.Expired}5`, 'EXPIRED', 0, undefined],
    [`${TestPrefixes.Rejected}5`, 'REJECTD', 2, undefined],
  ])('%s: one receipt %s err %i, one delay after the submit', (to, stat, err, networkErrorCode) => {
    expect(plan(to)).toEqual([
      {
        afterMs: 1_000,
        event: {
          type: 'receipt',
          upstreamId: 'sandbox',
          messageId: 'm1',
          upstreamMessageId: 'u1',
          stat,
          err,
          networkErrorCode,
          doneAt: '2026-03-10T12:00:01.000Z',
        },
      },
    ])
  })

  it('enroute then delivered: two receipts one delay apart', () => {
    expect(plan(`${TestPrefixes.EnrouteThenDelivered}1`, 2_000).map((p) => [p.afterMs, p.event.stat, p.event.doneAt])).toEqual([
      [2_000, 'ENROUTE', '2026-03-10T12:00:02.000Z'],
      [4_000, 'DELIVRD', '2026-03-10T12:00:04.000Z'],
    ])
  })

  it.each([
    [TestPrefixes.NoReceipt, 'accept'],
    [TestPrefixes.TransportError, 'unavailable'],
    [TestPrefixes.Slow, 'slow'],
  ])('%s: answered %s, and no receipt', (prefix, http) => {
    expect(outcomeFor(`${prefix}42`).http).toBe(http)
    expect(plan(`${prefix}42`)).toEqual([])
  })
})
