import { commandName } from '../../lib/smpp/codec'
import { statusName } from '../../lib/smpp/status'

// Upper bounds in ms; the last bucket catches the rest.
const SampleSize = 100
const LatencyBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, Number.POSITIVE_INFINITY]

/** A latency histogram with fixed buckets: cheap to record, percentiles read as the bucket's upper bound. */
export class Histogram {
  private readonly counts = new Array<number>(LatencyBuckets.length).fill(0)
  private n = 0
  private sum = 0
  // A uniform sample (reservoir) of the values since the last drain, for EMF: one line holds at most 100 values.
  private sample: number[] = []
  private seen = 0

  record(ms: number): void {
    this.seen++
    if (this.sample.length < SampleSize) this.sample.push(ms)
    else {
      const j = Math.floor(Math.random() * this.seen)
      if (j < SampleSize) this.sample[j] = ms
    }
    let i = 0
    while (ms > LatencyBuckets[i]) i++
    this.counts[i]++
    this.n++
    this.sum += ms
  }

  /** The sampled values since the last call, and starts a new sample. */
  drainSample(): number[] {
    const out = this.sample
    this.sample = []
    this.seen = 0
    return out
  }

  percentile(p: number): number {
    if (this.n === 0) return 0
    const rank = Math.ceil((p / 100) * this.n)
    let seen = 0
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]
      if (seen >= rank) return LatencyBuckets[i]
    }
    return Number.POSITIVE_INFINITY
  }

  snapshot() {
    return {
      count: this.n,
      meanMs: this.n === 0 ? 0 : Math.round((this.sum / this.n) * 100) / 100,
      p50Ms: this.percentile(50),
      p99Ms: this.percentile(99),
      buckets: Object.fromEntries(LatencyBuckets.map((b, i) => [Number.isFinite(b) ? `le${b}` : 'inf', this.counts[i]])),
    }
  }
}

/** What the node counts: PDUs in and out per command and status, verdict latency, deadline expiries. */
export class Metrics {
  // direction -> command_id -> command_status -> count; numeric keys keep the per-PDU cost to two Map lookups.
  private readonly pdus = { in: new Map<number, Map<number, number>>(), out: new Map<number, Map<number, number>>() }
  readonly verdictLatency = new Histogram()
  counters: Record<string, number> = { verdictsExpired: 0, deliveries: 0, deliveriesFailed: 0, bindsFailed: 0, connections: 0 }

  /** Parts accepted per account since the last `drainAccounts()` (per-account throughput, issue 15). */
  private accounts = new Map<string, number>()

  submitted(accountId: string, parts: number): void {
    this.accounts.set(accountId, (this.accounts.get(accountId) ?? 0) + parts)
  }

  drainAccounts(): Map<string, number> {
    const out = this.accounts
    this.accounts = new Map()
    return out
  }

  pdu(direction: 'in' | 'out', commandId: number, status: number): void {
    const byCommand = this.pdus[direction]
    let byStatus = byCommand.get(commandId)
    if (byStatus === undefined) byCommand.set(commandId, (byStatus = new Map()))
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
  }

  count(name: string, by = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + by
  }

  /** `{ in: { submit_sm: { ESME_ROK: 10 } }, out: {...} }` */
  pduCounts(): Record<'in' | 'out', Record<string, Record<string, number>>> {
    const out: Record<'in' | 'out', Record<string, Record<string, number>>> = { in: {}, out: {} }
    for (const dir of ['in', 'out'] as const) {
      for (const [commandId, byStatus] of this.pdus[dir]) {
        const cmd = (out[dir][commandName(commandId)] ??= {})
        for (const [status, n] of byStatus) cmd[statusName(status)] = (cmd[statusName(status)] ?? 0) + n
      }
    }
    return out
  }

  snapshot(sessions: Record<string, number>) {
    return { sessions, pdus: this.pduCounts(), verdictLatency: this.verdictLatency.snapshot(), counters: { ...this.counters } }
  }
}
