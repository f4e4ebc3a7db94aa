import { SmppError, TextTooLong, UnknownDataCoding } from '../../lib/domain/errors'
import type { Destination, SubmitJob } from '../../lib/domain/jobs'
import { countParts, decodeText, isKnownDataCoding } from '../../lib/encoding/data-coding'
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
    if (!node.speed.take(account.accountId, prepared.parts * prepared.destinations.length, now)) {
      throw new SmppError(Status.Throttled, `account ${account.accountId} over ${node.speed.rateOf(account.accountId)} parts/s here`)
    }
    node.metrics.submitted(account.accountId, prepared.parts)
    const job: SubmitJob = {
      v: 1,
      messageId: node.nextMessageId(),
      accountId: account.accountId,
      nodeId: node.nodeId,
      replyTo: node.callbackQueueUrl,
      incarnation: node.incarnation,
      receivedAt: isoOf(now),
      deadline: now + node.verdictDeadlineMs,
      async: account.refusalMode === 'async',
      ...prepared,
    }
    const messageId = job.messageId
    if (job.async) {
      node.submits.post(job, (err) => {
        if (err === undefined) return conn.reply(pdu, Status.Ok, submitRespBody(pdu.commandId, messageId))
        node.log.error('submit job not posted', { conn: conn.id, messageId, err })
        conn.reply(pdu, Status.NotRegistered)
      })
      return
    }
    node.verdicts.wait(messageId, conn, pdu, job.deadline, now)
    node.submits.post(job, (err) => {
      if (err === undefined) return
      // Not posted (or not sure): settle it now as at the deadline, so the pipeline cannot take it later.
      node.log.error('submit job not posted', { conn: conn.id, messageId, err })
      node.verdicts.expireNow(messageId)
    })
  }
