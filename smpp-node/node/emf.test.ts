import { afterEach, describe, expect, it, vi } from 'vitest'
import { MetricNames } from '../../lib/observability/names'
import { emfMetrics } from '../../lib/observability/powertools'
import { CommandId } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import { startEmf } from './emf'
import { Metrics } from './metrics'

/** What the node writes each interval as CloudWatch EMF (issue 15): deltas, refusals by status, accounts as properties. */
function capture(): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    const s = String(chunk)
    if (s.includes('"_aws"')) lines.push(JSON.parse(s))
    return true
  })
  return lines
}

describe('startEmf', () => {
  afterEach(() => vi.restoreAllMocks())

  it('writes deltas since the last flush, one line per refusal status and one per account', () => {
    const lines = capture()
    const m = new Metrics()
    const emf = startEmf({ metrics: m, sessionCounts: () => ({ transceiver: 2, unbound: 1 }) }, emfMetrics('smpp-node'), 3_600_000)
    m.pdu('out', CommandId.SubmitSmResp, Status.Ok)
    m.pdu('out', CommandId.SubmitSmResp, Status.Throttled)
    m.pdu('out', CommandId.SubmitSmResp, Status.Throttled)
    m.pdu('out', CommandId.SubmitSmResp, Status.NotRegistered)
    m.count('verdictsExpired')
    m.submitted('acme', 3)
    m.verdictLatency.record(12)
    emf.flush()
    const main = lines.find((l) => MetricNames.DeadlineMissed in l)!
    expect(main).toMatchObject({ service: 'smpp-node', VerdictDeadlineMissed: 1, SubmitThrottled: 2, Sessions: 2, VerdictLatency: 12 })
    const refused = lines.filter((l) => MetricNames.Refused in l).map((l) => [l.Status, l.SubmitRefused])
    expect(refused).toEqual([
      ['ESME_RTHROTTLED', 2],
      ['PLATFORM_NOT_REGISTERED', 1],
    ])
    const account = lines.find((l) => MetricNames.AccountSubmitted in l)!
    expect(account).toMatchObject({ accountId: 'acme', AccountSubmitted: 3 })
    // accountId is a property: not among the line's dimensions.
    const aws = account._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }
    expect(aws.CloudWatchMetrics[0].Dimensions.flat()).not.toContain('accountId')

    lines.length = 0
    m.count('verdictsExpired')
    emf.flush()
    expect(lines.find((l) => MetricNames.DeadlineMissed in l)).toMatchObject({ VerdictDeadlineMissed: 1, SubmitThrottled: 0 })
    expect(lines.filter((l) => MetricNames.Refused in l || MetricNames.AccountSubmitted in l)).toEqual([])
    emf.stop()
  })
})
