import type { SubmitJob } from './jobs'

/**
 * JSON.stringify(job) for the node's SubmitJob, written out by hand: the same text, byte for byte, when the job's
 * keys are in the order the node builds them (smpp-node/commands/submit-sm.ts post(); submit-job-json.test.ts
 * checks both). On Node 20 the generic serialiser walks the object's 28 keys one lookup at a time; it was the
 * largest single cost of the node under load (issue 16: 4.3 against 2.5 µs a job, bench/hot-path-micro.ts).
 *
 * Any string that needs escaping (a quote, a backslash, a control character, a surrogate) goes through
 * JSON.stringify itself, so the escaping rules are V8's, not a second copy; the common string is copied as is.
 */
export function submitJobJson(j: SubmitJob): string {
  let dests = ''
  for (let i = 0; i < j.destinations.length; i++) {
    const d = j.destinations[i]
    dests += `${i === 0 ? '' : ','}{"addr":${str(d.addr)},"ton":${num(d.ton)},"npi":${num(d.npi)}}`
  }
  const incarnation = j.incarnation === undefined ? '' : `"incarnation":${str(j.incarnation)},`
  const payload = j.messagePayload === undefined ? '' : `"messagePayload":${str(j.messagePayload)},`
  const sar = j.sar === undefined ? '' : `"sar":{"ref":${num(j.sar.ref)},"total":${num(j.sar.total)},"seq":${num(j.sar.seq)}},`
  return (
    `{"v":${num(j.v)},"messageId":${str(j.messageId)},"accountId":${str(j.accountId)},"nodeId":${str(j.nodeId)},` +
    `"replyTo":${str(j.replyTo)},${incarnation}"receivedAt":${str(j.receivedAt)},"deadline":${num(j.deadline)},` +
    `"async":${j.async},"command":${str(j.command)},"serviceType":${str(j.serviceType)},"sourceAddr":${str(j.sourceAddr)},` +
    `"sourceAddrTon":${num(j.sourceAddrTon)},"sourceAddrNpi":${num(j.sourceAddrNpi)},"destinations":[${dests}],` +
    `"esmClass":${num(j.esmClass)},"protocolId":${num(j.protocolId)},"priorityFlag":${num(j.priorityFlag)},` +
    `"registeredDelivery":${num(j.registeredDelivery)},"dataCoding":${num(j.dataCoding)},` +
    `"validityPeriod":${str(j.validityPeriod)},"scheduleDeliveryTime":${str(j.scheduleDeliveryTime)},` +
    `"shortMessage":${str(j.shortMessage)},${payload}${sar}"text":${str(j.text)},"parts":${num(j.parts)}}`
  )
}

// What JSON.stringify would escape (ECMA-262 QuoteJSONString: '"', '\', U+0000-U+001F, and lone surrogates; a
// surrogate pair is sent there too, where it is kept as is).
const NeedsEscape = /["\\\u0000-\u001f\ud800-\udfff]/
const str = (v: string): string => (NeedsEscape.test(v) ? JSON.stringify(v) : `"${v}"`)
// NaN and the infinities are `null` in JSON; every finite number prints as String(n) does.
const num = (n: number): string => (Number.isFinite(n) ? `${n}` : 'null')
