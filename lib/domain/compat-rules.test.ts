import { describe, expect, it } from 'vitest'
import { encodingFault, LatencyEdgesMs, latencyBucket, mergeObservations, percentileMs, type SessionObservation } from './compat'
import { observation } from './compat-fixture'
import { compatFindings, worstOf } from './compat-rules'

const levelOf = (o: SessionObservation, check: string) => compatFindings(o).find((f) => f.check === check)
const hist = (pairs: [ms: number, n: number][]) => {
  const h = Array(LatencyEdgesMs.length + 1).fill(0)
  for (const [ms, n] of pairs) h[latencyBucket(ms)] += n
  return h
}

describe('compatibility findings (issue 19)', () => {
  it('a well-behaved transceiver passes every check', () => {
    const findings = compatFindings(observation())
    expect(findings.filter((f) => f.level !== 'pass')).toEqual([])
    expect(worstOf(findings)).toBe('pass')
  })

  it('an SMPP 3.3 bind is a warning citing section 5.2.4', () => {
    expect(
      levelOf(observation({ bind: { mode: 'transceiver', interfaceVersion: 0x33, systemType: 'x', addrTon: 1, addrNpi: 1 } }), 'bind'),
    ).toMatchObject({
      level: 'warn',
      rule: expect.stringContaining('5.2.4'),
    })
  })

  it('a window larger than the account speed warns, a full window fails', () => {
    expect(levelOf(observation({ maxOutstanding: 200, speed: 50 }), 'window')).toMatchObject({
      level: 'warn',
      detail: 'window 200 over an account speed of 50/s',
    })
    expect(levelOf(observation({ maxOutstanding: 100, windowFull: 3 }), 'window')?.level).toBe('fail')
  })

  it('throttled submits are counted against the account speed', () => {
    expect(levelOf(observation({ throttled: 7, peakPerSec: 50 }), 'speed')).toMatchObject({
      level: 'warn',
      detail: expect.stringContaining('7 throttled (0x58)'),
    })
  })

  it('a late deliver_sm_resp warns with the slowest answer and the 60 s cut-off; an unanswered one fails', () => {
    const late = observation({
      delivers: 4,
      deliverLatency: hist([
        [5, 3],
        [12_000, 1],
      ]),
      deliverMaxMs: 12_000,
    })
    expect(levelOf(late, 'deliver_sm_resp')).toMatchObject({
      level: 'warn',
      detail: expect.stringContaining('deliver_sm answered after 12 s: the node disconnects at 60 s'),
    })
    expect(levelOf(observation({ delivers: 1, deliverTimeouts: 1, deliverMaxMs: 60_000 }), 'deliver_sm_resp')?.level).toBe('fail')
    expect(levelOf(observation({ delivers: 2, deliverLatency: hist([[5, 2]]), deliverMaxMs: 5 }), 'deliver_sm_resp')?.level).toBe('pass')
  })

  it('generic_nack sent by the node fails, received from the ESME warns', () => {
    const f = compatFindings(observation({ nacksOut: 1, nacksIn: 2 }))
    expect(f.find((x) => x.check === 'generic_nack sent')?.level).toBe('fail')
    expect(f.find((x) => x.check === 'generic_nack received')?.level).toBe('warn')
  })

  it('a bad encoding fails data_coding', () => {
    const o = observation({ badEncodings: { 'data_coding 0 carrying bytes outside GSM 03.38': 2 } })
    expect(levelOf(o, 'data_coding')).toMatchObject({ level: 'fail', rule: 'SMPP 3.4 section 5.2.19 data_coding' })
  })

  it('receipts requested on a transmitter warn; reserved registered_delivery bits warn', () => {
    expect(levelOf(observation({ bind: { ...observation().bind, mode: 'transmitter' } }), 'receipts')?.level).toBe('warn')
    expect(levelOf(observation({ registeredDelivery: { '32': 1 } }), 'receipts')?.level).toBe('warn')
  })

  it.each([
    ['unbind', 'pass'],
    ['server', 'pass'],
    ['drop', 'warn'],
    ['timeout', 'fail'],
  ] as const)('a session ended by %s is %s', (end, level) => {
    expect(levelOf(observation({ end }), 'session end')?.level).toBe(level)
  })
})

describe('encodingFault (SMPP 3.4 section 5.2.19)', () => {
  it.each([
    [0, [0x48, 0x69], false, undefined],
    [0, [0x48, 0xc3, 0xa9], false, 'data_coding 0 carrying bytes outside GSM 03.38'],
    // The UDH's octets are binary: 05 00 03 ref 02 01 then GSM septets.
    [0, [0x05, 0x00, 0x03, 0xff, 0x02, 0x01, 0x41], true, undefined],
    [8, [0x00, 0x41, 0x00], false, 'data_coding 8 (UCS2) with an odd number of octets'],
    [3, [0xe9], false, undefined],
  ])('data_coding %i with %j (udhi %s)', (dc, bytes, udhi, fault) => {
    expect(encodingFault(dc, Uint8Array.from(bytes), udhi)).toBe(fault)
  })
  it('an unknown data_coding is named', () => {
    expect(encodingFault(0x0f, Uint8Array.from([1]), false)).toMatch(/not recognised/)
  })
})

describe('percentiles and merging', () => {
  it('p50 and p99 are bucket edges, capped by the slowest answer', () => {
    const h = hist([
      [5, 98],
      [2_000, 2],
    ])
    expect(percentileMs(h, 0.5, 2_000)).toBe(10)
    expect(percentileMs(h, 0.99, 2_000)).toBe(2_000)
    expect(percentileMs([], 0.5, 0)).toBeUndefined()
  })

  it('an account merges its sessions: sums, maxima and timelines by second', () => {
    const a = observation({ submits: 3, throttled: 1, maxOutstanding: 5, timeline: [{ t: 1, submitted: 3, accepted: 2, throttled: 1 }] })
    const b = observation({
      sessionId: 's2',
      submits: 4,
      maxOutstanding: 2,
      dataCodings: { '8': 4 },
      timeline: [{ t: 1, submitted: 4, accepted: 4, throttled: 0 }],
    })
    expect(mergeObservations([a, b])).toMatchObject({
      submits: 7,
      throttled: 1,
      maxOutstanding: 5,
      dataCodings: { '0': 10, '8': 4 },
      timeline: [{ t: 1, submitted: 7, accepted: 6, throttled: 1 }],
    })
  })
})
