import { percentileMs, type SessionObservation } from './compat'

export type FindingLevel = 'pass' | 'warn' | 'fail'

/** One check of an ESME's behaviour: what was seen, judged against the rule it reflects. */
export interface Finding {
  check: string
  level: FindingLevel
  /** The SMPP 3.4 section or platform limit behind the judgement. */
  rule: string
  detail: string
}

/** Platform limits the rules cite (docs/DESIGN.md, docs/SECURITY.md). */
export const CompatLimits = {
  /** A deliver_sm answered later than this holds a window slot and delays the account's next receipts. */
  slowDeliverMs: 1_000,
  /** The NLB drops a TCP flow idle for 350 s; a peer's keep-alive should come well inside it. */
  nlbIdleMs: 350_000,
} as const

const InterfaceVersion34 = 0x34
const s = (ms: number) => (ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`)
const list = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, n]) => `${k} (${n})`)
    .join(', ')

const find = (check: string, level: FindingLevel, rule: string, detail: string): Finding => ({ check, level, rule, detail })

/**
 * The compatibility findings for one session's observation, or an account's merged one (mergeObservations).
 * Pure: the node observes, this judges. Order is the report's order.
 */
export function compatFindings(o: SessionObservation): Finding[] {
  return [
    bindFinding(o),
    windowFinding(o),
    throttleFinding(o),
    enquireFinding(o),
    ...deliverFindings(o),
    ...nackFindings(o),
    encodingFinding(o),
    longFinding(o),
    receiptFinding(o),
    endFinding(o),
  ]
}

function bindFinding(o: SessionObservation): Finding {
  const b = o.bind
  const fields = `bind_${b.mode}, interface_version 0x${b.interfaceVersion.toString(16)}, system_type '${b.systemType}', addr_ton ${b.addrTon}, addr_npi ${b.addrNpi}`
  // Section 5.2.4: 0x00..0x33 means SMPP 3.3 or earlier, which knows no optional parameters (TLVs).
  if (b.interfaceVersion < InterfaceVersion34)
    return find(
      'bind',
      'warn',
      'SMPP 3.4 section 5.2.4 interface_version',
      `${fields}: an SMPP 3.3 peer gets no TLVs (receipted_message_id, message_state)`,
    )
  return find('bind', 'pass', 'SMPP 3.4 section 4.1 bind', fields)
}

function windowFinding(o: SessionObservation): Finding {
  const rule = `platform limit: window ${o.windowSize} per session (0x14 ESME_RMSGQFUL when full)`
  if (o.windowFull > 0)
    return find('window', 'fail', rule, `window ${o.maxOutstanding} used; ${o.windowFull} submits answered 0x14 (window full)`)
  // More outstanding submits than a second of the account's speed only queue up behind the throttle.
  if (o.maxOutstanding > o.speed)
    return find('window', 'warn', `account speed ${o.speed}/s`, `window ${o.maxOutstanding} over an account speed of ${o.speed}/s`)
  return find('window', 'pass', rule, `window ${o.maxOutstanding} used`)
}

function throttleFinding(o: SessionObservation): Finding {
  const rule = `account speed ${o.speed}/s (0x58 ESME_RTHROTTLED above it)`
  const rate = `peak ${o.peakPerSec}/s accepted of ${o.submits} submits`
  if (o.throttled > 0) return find('speed', 'warn', rule, `${rate}; ${o.throttled} throttled (0x58): slow down or retry after a pause`)
  return find('speed', 'pass', rule, `${rate}; none throttled`)
}

function enquireFinding(o: SessionObservation): Finding {
  const rule = `SMPP 3.4 section 4.11 enquire_link; the NLB drops a flow idle ${s(CompatLimits.nlbIdleMs)}`
  if (o.enquireLinks === 0) return find('enquire_link', 'pass', rule, 'none sent: the node keeps the link alive itself')
  const gap = `longest gap ${s(o.maxEnquireGapMs)} over ${o.enquireLinks} enquire_links`
  if (o.maxEnquireGapMs > CompatLimits.nlbIdleMs) return find('enquire_link', 'warn', rule, gap)
  return find('enquire_link', 'pass', rule, gap)
}

function deliverFindings(o: SessionObservation): Finding[] {
  const rule = `SMPP 3.4 section 4.6.2 deliver_sm_resp; the node disconnects at ${s(o.responseTimeoutMs)}`
  if (o.delivers === 0) return [find('deliver_sm_resp', 'pass', rule, 'no deliver_sm sent in this period')]
  const p50 = percentileMs(o.deliverLatency, 0.5, o.deliverMaxMs) ?? 0
  const p99 = percentileMs(o.deliverLatency, 0.99, o.deliverMaxMs) ?? 0
  const latency = `${o.delivers} deliver_sm, answered p50 ≤ ${s(p50)}, p99 ≤ ${s(p99)}, slowest ${s(o.deliverMaxMs)}`
  const out: Finding[] = []
  if (o.deliverTimeouts > 0)
    out.push(find('deliver_sm_resp', 'fail', rule, `${latency}; ${o.deliverTimeouts} never answered: disconnected`))
  else if (o.deliverMaxMs > CompatLimits.slowDeliverMs)
    out.push(
      find(
        'deliver_sm_resp',
        'warn',
        rule,
        `${latency}; deliver_sm answered after ${s(o.deliverMaxMs)}: the node disconnects at ${s(o.responseTimeoutMs)}`,
      ),
    )
  else out.push(find('deliver_sm_resp', 'pass', rule, latency))
  // A non-zero deliver_sm_resp makes the platform keep the receipt and send it again (store and forward).
  if (o.deliverFailed > 0)
    out.push(
      find(
        'deliver_sm_resp status',
        'warn',
        'SMPP 3.4 section 4.6.2: command_status 0 acknowledges',
        `${o.deliverFailed} deliver_sm answered with an error`,
      ),
    )
  return out
}

function nackFindings(o: SessionObservation): Finding[] {
  const out: Finding[] = []
  // Section 3.3: generic_nack answers a PDU the receiver cannot parse or does not support.
  if (o.nacksOut > 0)
    out.push(
      find(
        'generic_nack sent',
        'fail',
        'SMPP 3.4 section 4.3 generic_nack',
        `the node answered ${o.nacksOut} PDUs with generic_nack (unknown command or bad frame)`,
      ),
    )
  if (o.nacksIn > 0)
    out.push(
      find(
        'generic_nack received',
        'warn',
        'SMPP 3.4 section 4.3 generic_nack',
        `the ESME answered ${o.nacksIn} of the node's PDUs with generic_nack`,
      ),
    )
  if (out.length === 0) out.push(find('generic_nack', 'pass', 'SMPP 3.4 section 4.3 generic_nack', 'none in either direction'))
  return out
}

function encodingFinding(o: SessionObservation): Finding {
  const rule = 'SMPP 3.4 section 5.2.19 data_coding'
  const codings = `data_codings ${list(o.dataCodings) || 'none'}`
  const bad = Object.entries(o.badEncodings)
  if (bad.length > 0) return find('data_coding', 'fail', rule, `${bad.map(([why, n]) => `${why} (${n})`).join('; ')}; ${codings}`)
  return find('data_coding', 'pass', rule, codings)
}

function longFinding(o: SessionObservation): Finding {
  const used = `UDH ${o.udh}, SAR ${o.sar}, message_payload ${o.messagePayload}`
  return find('long messages', 'pass', 'SMPP 3.4 sections 5.2.12 (UDHI), 5.3.2.22-24 (SAR), 5.3.2.32 (message_payload)', used)
}

function receiptFinding(o: SessionObservation): Finding {
  const rule = 'SMPP 3.4 section 5.2.17 registered_delivery'
  const values = `registered_delivery ${list(o.registeredDelivery) || 'none'}`
  const requested = Object.entries(o.registeredDelivery).some(([k, n]) => Number(k) & 0x03 && n > 0)
  // Receipts go to receiver or transceiver binds only; a transmitter's receipts wait until one binds.
  if (requested && o.bind.mode === 'transmitter')
    return find('receipts', 'warn', `${rule}; receipts need a receiver or transceiver bind`, `${values} on a transmitter bind`)
  if (Object.keys(o.registeredDelivery).some((k) => Number(k) > 0x1f))
    return find('receipts', 'warn', `${rule}: bits 5-7 are reserved`, values)
  return find('receipts', 'pass', rule, values)
}

function endFinding(o: SessionObservation): Finding {
  const rule = 'SMPP 3.4 section 4.2 unbind'
  switch (o.end) {
    case undefined:
      return find('session end', 'pass', rule, 'still bound')
    case 'unbind':
      return find('session end', 'pass', rule, 'unbound before closing')
    case 'server':
      return find('session end', 'pass', rule, 'unbound by the node (drain)')
    case 'drop':
      return find('session end', 'warn', rule, 'closed the connection without unbind')
    case 'timeout':
      return find(
        'session end',
        'fail',
        `${rule}; the node disconnects a peer silent for ${s(o.responseTimeoutMs)}`,
        'disconnected by the node: a request of the node went unanswered',
      )
  }
}

/** The worst level among findings: the verdict of a report. */
export const worstOf = (findings: readonly Finding[]): FindingLevel =>
  findings.some((f) => f.level === 'fail') ? 'fail' : findings.some((f) => f.level === 'warn') ? 'warn' : 'pass'
