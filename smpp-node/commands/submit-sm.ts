import { SmppError, TextTooLong, UnknownDataCoding } from '../../lib/domain/errors'
import type { Destination, SubmitJob } from '../../lib/domain/jobs'
import { alphabetOf, countParts, decodeText, isKnownDataCoding } from '../../lib/encoding/data-coding'
import { capacityAfterUdh } from '../../lib/encoding/segment-limits'
import { readPart } from '../../lib/encoding/segments'
import { bodyOf, CommandId, type DataSm, EsmClass, isPdu, type Pdu, type SubmitSm } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import { submitRespBody } from '../bridge/verdicts'
import type { Session } from '../session/session'
import type { SubmitServices } from './services'

/**
 * What submit_sm, submit_multi and data_sm share, as prepareSubmit reads it: the destinations aside, data_sm's
 * fields (4.7.1) are mandatory, submit_sm's others (protocol_id, priority_flag, times, short_message) optional.
 */
type SubmitFields = Partial<Omit<SubmitSm, 'destAddrTon' | 'destAddrNpi' | 'destinationAddr'>> &
  Pick<DataSm, 'serviceType' | 'sourceAddrTon' | 'sourceAddrNpi' | 'sourceAddr' | 'esmClass' | 'registeredDelivery' | 'dataCoding'>

/** What the node can check without a table: everything of the SubmitJob except the identifiers. */
export type PreparedSubmit = Omit<
  SubmitJob,
  'v' | 'messageId' | 'accountId' | 'nodeId' | 'incarnation' | 'replyTo' | 'receivedAt' | 'deadline' | 'async'
>

// A single short_message over this is refused unless it is a segment (UDH or SAR) or the text is in message_payload.
const MaxSingleOctets = 160

const commandOf = (id: number): PreparedSubmit['command'] =>
  id === CommandId.DataSm ? 'data_sm' : id === CommandId.SubmitMulti ? 'submit_multi' : 'submit_sm'

function destinationsOf(pdu: Pdu): Destination[] {
  if (!isPdu(pdu, CommandId.SubmitMulti)) {
    const b = bodyOf(pdu, CommandId.SubmitSm, CommandId.DataSm)
    if (!b.destinationAddr) throw new SmppError(Status.InvDstAdr, 'destination_addr is empty')
    return [{ addr: b.destinationAddr, ton: b.destAddrTon, npi: b.destAddrNpi }]
  }
  const { dests } = pdu.body
  if (dests.length < 1 || dests.length > 254) throw new SmppError(Status.InvNumDests, `${dests.length} destinations`)
  return dests.map((d) => {
    // Section 4.5.1: dest_flag 2 names a distribution list, which this SMSC does not keep.
    if (d.destFlag !== 1) throw new SmppError(Status.CntSubDl, 'distribution lists are not offered')
    if (!d.destinationAddr) throw new SmppError(Status.InvDstAdr, 'destination_addr is empty')
    return { addr: d.destinationAddr, ton: d.destAddrTon, npi: d.destAddrNpi }
  })
}

/**
 * The cheap checks of submit_sm, data_sm and submit_multi (sections 4.4.1, 4.7.1, 4.5.1), done on the
 * node so the peer hears at once: a destination, a known data_coding (else 0x0400), a short_message of at
 * most 160 octets unless UDH, SAR or message_payload make it part of a long message (else 0x0401).
 * Throws an SmppError with the status to answer; everything else is the pipeline's to judge.
 */
export function prepareSubmit(pdu: Pdu): PreparedSubmit {
  const command = commandOf(pdu.commandId)
  const destinations = destinationsOf(pdu)
  // data_sm carries no short_message (section 4.7.1): its text is in message_payload.
  const b: SubmitFields = bodyOf(pdu, CommandId.SubmitSm, CommandId.DataSm, CommandId.SubmitMulti)
  const shortMessage = b.shortMessage ?? Buffer.alloc(0)
  if (!isKnownDataCoding(b.dataCoding)) throw new UnknownDataCoding(b.dataCoding)
  if (command === 'data_sm' && b.messagePayload === undefined) {
    throw new SmppError(Status.MissingOptParam, 'data_sm without message_payload')
  }
  const sar =
    b.sarMsgRefNum !== undefined && b.sarTotalSegments !== undefined && b.sarSegmentSeqnum !== undefined
      ? { ref: b.sarMsgRefNum, total: b.sarTotalSegments, seq: b.sarSegmentSeqnum }
      : undefined
  const payload = b.messagePayload
  const udhi = (b.esmClass & EsmClass.UdhIndicator) !== 0
  if (shortMessage.length > MaxSingleOctets && !udhi && !sar && !payload) throw new TextTooLong(shortMessage.length)
  const part = readPart({
    shortMessage,
    esmClass: b.esmClass,
    messagePayload: payload,
    sarMsgRefNum: b.sarMsgRefNum,
    sarTotalSegments: b.sarTotalSegments,
    sarSegmentSeqnum: b.sarSegmentSeqnum,
  })
  if (part === null) throw new SmppError(Status.InvEsmClass, 'UDHI is set but the user data header is malformed')
  if (udhi && !payload) fitsOneSms(shortMessage.length - part.payload.length, part.payload.length, b.dataCoding)
  // A segment is one part; a whole text (single or in message_payload) costs what it takes on the air.
  const parts = part.concat ? 1 : Math.max(1, countParts(part.payload, b.dataCoding, payload ? 'payload' : 'udh8') ?? 1)
  return {
    command,
    serviceType: b.serviceType,
    sourceAddr: b.sourceAddr,
    sourceAddrTon: b.sourceAddrTon,
    sourceAddrNpi: b.sourceAddrNpi,
    destinations,
    esmClass: b.esmClass,
    protocolId: b.protocolId ?? 0,
    priorityFlag: b.priorityFlag ?? 0,
    registeredDelivery: b.registeredDelivery,
    dataCoding: b.dataCoding,
    validityPeriod: b.validityPeriod ?? '',
    scheduleDeliveryTime: b.scheduleDeliveryTime ?? '',
    shortMessage: shortMessage.toString('base64'),
    ...(payload ? { messagePayload: payload.toString('base64') } : {}),
    ...(sar ? { sar } : {}),
    text: decodeText(b.dataCoding, part.payload, part.tables) ?? '', // with the shift tables a UDH names (0x24/0x25)
    parts,
  }
}

/**
 * A short_message with a UDH (a concatenated part, a WAP Push with application ports, ...) goes to the carrier byte
 * for byte as one SMS, so UDH and user data must fit its 140 octets (3GPP TS 23.040 9.2.3.16): an 8-bit part holds
 * 140 octets including the UDH, GSM text 153 septets after a 6-octet concat UDH. Nobody could split it further
 * without rewriting the client's header, so a part that does not fit is refused with 0x0401 rather than sent.
 */
function fitsOneSms(udhOctets: number, dataOctets: number, dataCoding: number): void {
  const alphabet = alphabetOf(dataCoding)
  const units = alphabet === 'ucs2' ? Math.ceil(dataOctets / 2) : dataOctets
  // IA5 (data_coding 1, what the npm smpp client sends for plain text) is a 7-bit alphabet: on air it travels as
  // septets like GSM text, so a part holds 153 of its characters after a 6-octet UDH, not 134.
  if (alphabet && units > capacityAfterUdh(alphabet === 'ia5' ? 'gsm7' : alphabet, udhOctets)) {
    throw new SmppError(Status.TextTooLong, `UDH of ${udhOctets} and ${dataOctets} octets of user data exceed one SMS`)
  }
}

// One ISO timestamp per millisecond, not per message: under load many submits share a millisecond.
let isoMs = Number.NaN
let iso = ''
const isoOf = (ms: number): string => {
  if (ms !== isoMs) {
    isoMs = ms
    iso = new Date(ms).toISOString()
  }
  return iso
}

/**
 * Validates, throttles, assigns the message id and posts the SubmitJob with this node's callback queue as
 * reply address. The resp waits for the verdict (VerdictBook), except for accounts in async refusal mode,
 * which get status 0 and the id as soon as the job is on the queue (a refusal then arrives as a receipt).
 * Not an async function: the usual (verdict) path allocates no promise per message; a throw is answered
 * by the connection like a rejection.
 */
export const submit =
  (node: SubmitServices) =>
  (conn: Session, pdu: Pdu): void => {
    const account = conn.account!
    const prepared = prepareSubmit(pdu)
    const now = node.clock.now()
    // Issue 13, item 5: submit_multi (section 4.5) sends every part to every destination, so it costs parts x destinations.
    const cost = prepared.parts * prepared.destinations.length
    if (!node.speed.take(account.accountId, cost, now)) {
      throw new SmppError(Status.Throttled, `account ${account.accountId} over ${node.speed.rateOf(account.accountId)} parts/s here`)
    }
    // Issue 17: the in-flight limit per prefix (0x14) and the windows of a minute, hour, day (0x58), at this node's share.
    const rate = node.speed.rateOf(account.accountId) ?? account.speed
    const share = rate / Math.max(1, account.speed)
    const release = node.inFlight.enter(
      account,
      prepared.destinations.map((d) => d.addr),
      share,
    )
    if (!release) throw new SmppError(Status.MsgQFul, `account ${account.accountId}: too many messages in flight to this prefix`)
    const windows = node.windows.take(account, cost, now, share, rate)
    if (windows === true) {
      go(node, conn, pdu, prepared, now, release)
      return
    }
    if (windows === false) {
      release()
      throw new SmppError(Status.Throttled, `account ${account.accountId} over a window of its throttle`)
    }
    windows.then(
      (ok) => {
        if (ok) return go(node, conn, pdu, prepared, now, release)
        release()
        conn.reply(pdu, Status.Throttled)
      },
      (err) => {
        release()
        node.log.error('throttle window not read', { conn: conn.id, err })
        conn.reply(pdu, Status.Throttled) // fail closed: the limit holds while DynamoDB does not answer; a retry is safe
      },
    )
  }

// A function, not a closure per submit: the bundle keeps names (infra/bundle.ts keepNames), so every arrow made per
// message also costs an Object.defineProperty of its name (`__name`, 5 % of the node's profile).
function go(node: SubmitServices, conn: Session, pdu: Pdu, prepared: PreparedSubmit, now: number, release: () => void): void {
  const account = conn.account!
  node.metrics.submitted(account.accountId, prepared.parts)
  const id = node.nextMessageId(account)
  // A decimal account's id may wait for its block of ids (node/message-ids.ts); every other id is there at once.
  if (typeof id === 'string') {
    post(node, conn, pdu, prepared, id, now, release)
    return
  }
  id.then(
    (messageId) => post(node, conn, pdu, prepared, messageId, now, release),
    (err) => {
      release()
      node.log.error('no message id block', { conn: conn.id, err })
      conn.reply(pdu, Status.NotRegistered) // nothing was posted: a retry is safe
    },
  )
}

// post() lists PreparedSubmit's optional fields one by one: a new one fails to compile here until it is listed there.
type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T]
const optionalFieldsInPost: Record<OptionalKeys<PreparedSubmit>, true> = { messagePayload: true, sar: true }
void optionalFieldsInPost

function post(
  node: SubmitServices,
  conn: Session,
  pdu: Pdu,
  prepared: PreparedSubmit,
  messageId: string,
  now: number,
  release: () => void,
): void {
  const account = conn.account!
  const p = prepared
  // Field by field, not `...prepared` after the identifiers: V8 builds that spread property by property at run time,
  // 0.6 µs a submit against 0.06 for this literal (issue 16). The keys' order is the job's JSON (submit-job-json.ts).
  const job: SubmitJob = {
    v: 1,
    messageId,
    accountId: account.accountId,
    nodeId: node.nodeId,
    replyTo: node.callbackQueueUrl,
    incarnation: node.incarnation,
    receivedAt: isoOf(now),
    deadline: now + node.verdictDeadlineMs,
    async: account.refusalMode === 'async',
    command: p.command,
    serviceType: p.serviceType,
    sourceAddr: p.sourceAddr,
    sourceAddrTon: p.sourceAddrTon,
    sourceAddrNpi: p.sourceAddrNpi,
    destinations: p.destinations,
    esmClass: p.esmClass,
    protocolId: p.protocolId,
    priorityFlag: p.priorityFlag,
    registeredDelivery: p.registeredDelivery,
    dataCoding: p.dataCoding,
    validityPeriod: p.validityPeriod,
    scheduleDeliveryTime: p.scheduleDeliveryTime,
    shortMessage: p.shortMessage,
    ...(p.messagePayload === undefined ? {} : { messagePayload: p.messagePayload }),
    ...(p.sar === undefined ? {} : { sar: p.sar }),
    text: p.text,
    parts: p.parts,
  }
  if (job.async) {
    node.submits.post(job, (err) => {
      release()
      if (err === undefined) return conn.reply(pdu, Status.Ok, submitRespBody(pdu.commandId, messageId))
      node.log.error('submit job not posted', { conn: conn.id, messageId, err })
      conn.reply(pdu, Status.NotRegistered)
    })
    return
  }
  // In flight until its submit_sm_resp: the book answers every wait exactly once (verdict or deadline), releasing first.
  node.verdicts.wait(messageId, conn, pdu, job.deadline, now, release)
  node.submits.post(job, (err) => {
    if (err === undefined) return
    // Not posted (or not sure): settle it now as at the deadline, so the pipeline cannot take it later.
    node.log.error('submit job not posted', { conn: conn.id, messageId, err })
    node.verdicts.expireNow(messageId)
  })
}
