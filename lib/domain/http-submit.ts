import { chooseEncoding, countParts, isKnownDataCoding } from '../encoding/data-coding'
import { EsmClass } from '../smpp/esm-class'
import { Status } from '../smpp/status'
import { PollsDecision } from './decision'
import { SmppError, TextTooLong, UnknownDataCoding } from './errors'
import type { SubmitJob } from './jobs'
import { RegisteredDelivery, tonNpiOf } from './receipts'

/** A message as the HTTP send API takes it (functions/api/routes/messages.ts validates the shape). */
export type HttpMessage = {
  from: string
  to: string
  /** Ask for a receipt (registered_delivery 1, SMPP 3.4 5.2.17); default on. */
  receipt?: boolean
} & ({ text: string } | { data: Buffer; udh?: Buffer; dataCoding: number })

export interface HttpSubmitIds {
  messageId: string
  accountId: string
  now: Date
  deadline: number // epoch ms
}

// SMS user data (TS 23.040 9.2.3.16): 140 octets a part, the UDH included.
const MaxPartOctets = 140

/**
 * The SubmitJob of an HTTP message: the same job a node posts for submit_sm (so the same submit Lambda checks, prices,
 * charges and routes it), but no callback queue: the API polls the decision record (PollsDecision). A text goes in
 * the cheapest encoding (GSM 7-bit, else UCS2); over one part it travels as message_payload and the platform splits it
 * towards the upstream (smpp-node/upstream/segments.ts), billed by its parts as a node bills a long message_payload.
 * Binary data with a UDH must fit one part (0x0401 otherwise); without one it may be long like a text.
 */
export function httpSubmitJob(m: HttpMessage, ids: HttpSubmitIds): SubmitJob {
  const from = tonNpiOf(m.from)
  const to = tonNpiOf(m.to)
  const body = 'text' in m ? textBody(m.text) : binaryBody(m.data, m.udh, m.dataCoding)
  return {
    v: 1,
    messageId: ids.messageId,
    accountId: ids.accountId,
    nodeId: 'http-api',
    replyTo: PollsDecision,
    receivedAt: ids.now.toISOString(),
    deadline: ids.deadline,
    async: false,
    command: 'submit_sm',
    serviceType: '',
    sourceAddr: m.from,
    sourceAddrTon: from.ton,
    sourceAddrNpi: from.npi,
    destinations: [{ addr: m.to, ton: to.ton, npi: to.npi }],
    protocolId: 0,
    priorityFlag: 0,
    registeredDelivery: m.receipt === false ? RegisteredDelivery.NoReceipt : RegisteredDelivery.Final,
    validityPeriod: '',
    scheduleDeliveryTime: '',
    ...body,
  }
}

type Body = Pick<SubmitJob, 'esmClass' | 'dataCoding' | 'shortMessage' | 'messagePayload' | 'text' | 'parts'>

function textBody(text: string): Body {
  const { dataCoding, encoded, parts } = chooseEncoding(text, { scheme: 'payload' })
  if (parts === 1) return { esmClass: 0, dataCoding, shortMessage: encoded.toString('base64'), text, parts }
  return { esmClass: 0, dataCoding, shortMessage: '', messagePayload: encoded.toString('base64'), text, parts }
}

function binaryBody(data: Buffer, udh: Buffer | undefined, dataCoding: number): Body {
  if (!isKnownDataCoding(dataCoding)) throw new UnknownDataCoding(dataCoding)
  if (udh) {
    // A UDH names its own segmentation (concatenation, ports): the caller sends the part, the platform passes it on.
    if (udh.length < 2 || udh[0] !== udh.length - 1) throw new SmppError(Status.InvEsmClass, 'udh: the first octet must be its length')
    const octets = udh.length + data.length
    if (octets > MaxPartOctets) throw new TextTooLong(octets)
    const shortMessage = Buffer.concat([udh, data]).toString('base64')
    return { esmClass: EsmClass.UdhIndicator, dataCoding, shortMessage, text: '', parts: 1 }
  }
  if (data.length <= MaxPartOctets) return { esmClass: 0, dataCoding, shortMessage: data.toString('base64'), text: '', parts: 1 }
  const parts = countParts(data, dataCoding, 'payload') ?? Math.ceil(data.length / (MaxPartOctets - 6))
  return { esmClass: 0, dataCoding, shortMessage: '', messagePayload: data.toString('base64'), text: '', parts }
}
