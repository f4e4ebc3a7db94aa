import { createHash } from 'node:crypto'
import type { DispatchJob } from '../../lib/domain/jobs'
import type { SmppUpstreamSettings } from '../../lib/domain/upstream-smpp'
import { alphabetOf, countParts } from '../../lib/encoding/data-coding'
import { splitBytes } from '../../lib/encoding/segments'
import { concatUdh, parseUdh, shiftIes } from '../../lib/encoding/udh'
import { EsmClass } from '../../lib/smpp/esm-class'
import type { SubmitSm } from '../../lib/smpp/pdu'

/** One submit_sm for the upstream, and the message parts it stands for (what the throughput limit counts). */
export interface Outgoing {
  body: SubmitSm
  parts: number
}

// registered_delivery (SMPP 3.4 5.2.17): always ask for the final receipt, since the platform needs the
// final state for usage and refunds even when the client asked for none; keep the client's intermediate bit.
const FinalReceipt = 0x01
const Intermediate = 0x10

/**
 * The submit_sm PDUs that carry one dispatch job to an upstream, in its long-message form. Each client
 * PDU is one message record, so only a message_payload message is split here; a client's UDH or SAR
 * part is converted one for one when the upstream wants the other form. Only the last PDU asks for a
 * receipt: its message_id is the one stored for the record (the receipts of other parts could not be
 * mapped to it).
 */
export function outgoingFor(job: DispatchJob, s: SmppUpstreamSettings): Outgoing[] {
  const dataCoding = job.dataCoding === 0 ? s.dataCoding : job.dataCoding
  const base: SubmitSm = {
    serviceType: '',
    sourceAddrTon: job.sourceAddrTon,
    sourceAddrNpi: job.sourceAddrNpi,
    sourceAddr: job.sourceAddr,
    destAddrTon: job.destAddrTon,
    destAddrNpi: job.destAddrNpi,
    destinationAddr: job.destinationAddr,
    esmClass: job.esmClass & ~EsmClass.MessageTypeMask, // message type bits 2-5 are for the SMSC's own PDUs (5.2.12)
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    replaceIfPresentFlag: 0,
    dataCoding,
    smDefaultMsgId: 0,
    shortMessage: Buffer.from(job.shortMessage, 'base64'),
  }
  if (job.sourceAddrTon === 0 && job.sourceAddrNpi === 0) Object.assign(base, addressDefaults(job.sourceAddr, s, 'source'))
  if (job.destAddrTon === 0 && job.destAddrNpi === 0) Object.assign(base, addressDefaults(job.destinationAddr, s, 'dest'))
  const out = bodiesFor(job, base, s)
  const last = out.length - 1
  out[last].body.registeredDelivery = FinalReceipt | (job.registeredDelivery & Intermediate)
  return out
}

function bodiesFor(job: DispatchJob, base: SubmitSm, s: SmppUpstreamSettings): Outgoing[] {
  const payload = job.messagePayload ? Buffer.from(job.messagePayload, 'base64') : undefined
  if (payload && payload.length > 0) {
    const parts = countParts(payload, job.dataCoding, 'udh8') ?? 1
    if (s.longMessages === 'payload' || !alphabetOf(job.dataCoding)) {
      return [{ body: { ...base, shortMessage: Buffer.alloc(0), messagePayload: payload }, parts }]
    }
    const split = splitBytes(payload, {
      dataCoding: job.dataCoding,
      scheme: s.longMessages === 'sar' ? 'sar' : 'udh8',
      reference: referenceOf(job.messageId),
      // Issue 17: a text re-encoded with national shift tables repeats their IEs in every part (TS 23.040 9.2.3.24.15/16).
      ...(job.shift && { udhIes: shiftIes(job.shift) }),
    })
    return split.map((p) => ({
      body: {
        ...base,
        esmClass: base.esmClass | p.esmClass,
        shortMessage: p.shortMessage,
        ...(p.sarSegmentSeqnum === undefined
          ? {}
          : { sarMsgRefNum: p.sarMsgRefNum, sarTotalSegments: p.sarTotalSegments, sarSegmentSeqnum: p.sarSegmentSeqnum }),
      },
      parts: 1,
    }))
  }
  if (job.sar && s.longMessages === 'udh') {
    // SAR part -> the same part with a concat UDH, if the UDH still fits in one SMS.
    const { ref, total, seq } = job.sar
    const udh = concatUdh({ reference: ref, total, seq, bits: ref > 0xff ? 16 : 8 })
    if (fitsWithUdh(udh.length, base.shortMessage.length, job.dataCoding))
      return [
        {
          body: { ...base, esmClass: base.esmClass | EsmClass.UdhIndicator, shortMessage: Buffer.concat([udh, base.shortMessage]) },
          parts: 1,
        },
      ]
  }
  if (job.sar) {
    const { ref, total, seq } = job.sar
    return [{ body: { ...base, sarMsgRefNum: ref, sarTotalSegments: total, sarSegmentSeqnum: seq }, parts: 1 }]
  }
  if (job.esmClass & EsmClass.UdhIndicator && s.longMessages === 'sar') {
    // A concat UDH alone -> SAR TLVs; a UDH with other elements (ports, ...) travels as it is.
    const parsed = parseUdh(base.shortMessage)
    if (parsed?.concat && parsed.udh.length === 1) {
      const { reference, total, seq } = parsed.concat
      return [
        {
          body: {
            ...base,
            esmClass: base.esmClass & ~EsmClass.UdhIndicator,
            shortMessage: parsed.payload,
            sarMsgRefNum: reference,
            sarTotalSegments: total,
            sarSegmentSeqnum: seq,
          },
          parts: 1,
        },
      ]
    }
  }
  return [{ body: base, parts: 1 }]
}

/**
 * Whether a UDH and the user data fit one SMS of 140 octets (3GPP TS 23.040 9.2.3.16); GSM text is
 * unpacked septets in SMPP, packed to 7 bits after the UDH on the air (153 septets after 6 octets).
 */
const fitsWithUdh = (udhOctets: number, length: number, dataCoding: number) =>
  alphabetOf(dataCoding) === 'gsm7' ? length <= Math.floor(((140 - udhOctets) * 8) / 7) : udhOctets + length <= 140

/** A stable concatenation reference per message, so a resent message carries the same one. */
const referenceOf = (messageId: string) => createHash('sha256').update(messageId).digest().readUInt16BE(0)

/** TON/NPI for an address the client left at 0/0: alphanumeric (5/0), else the upstream's defaults. */
function addressDefaults(addr: string, s: SmppUpstreamSettings, which: 'source' | 'dest') {
  const [ton, npi] = /^\+?\d+$/.test(addr) ? [s.addrTon, s.addrNpi] : [5, 0]
  return which === 'source' ? { sourceAddrTon: ton, sourceAddrNpi: npi } : { destAddrTon: ton, destAddrNpi: npi }
}
