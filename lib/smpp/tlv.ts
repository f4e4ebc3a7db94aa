/**
 * Optional parameters (TLVs), SMPP 3.4 section 5.3. Each known TLV maps to one camelCase body property;
 * unknown tags, and repeats of a tag already decoded, go to `unknownTlvs` so that nothing a peer sent is dropped.
 */
import type { Tlvs, UnknownTlv } from './pdu'
import { Status } from './status'
import { PduError, type Reader, type Writer } from './wire'

/** Tags of SMPP 3.4 table 5.3.2. */
export const TlvTag = {
  DestAddrSubunit: 0x0005, // dest_addr_subunit
  DestNetworkType: 0x0006, // dest_network_type
  DestBearerType: 0x0007, // dest_bearer_type
  DestTelematicsId: 0x0008, // dest_telematics_id
  SourceAddrSubunit: 0x000d, // source_addr_subunit
  SourceNetworkType: 0x000e, // source_network_type
  SourceBearerType: 0x000f, // source_bearer_type
  SourceTelematicsId: 0x0010, // source_telematics_id
  QosTimeToLive: 0x0017, // qos_time_to_live
  PayloadType: 0x0019, // payload_type
  AdditionalStatusInfoText: 0x001d, // additional_status_info_text
  ReceiptedMessageId: 0x001e, // receipted_message_id
  MsMsgWaitFacilities: 0x0030, // ms_msg_wait_facilities
  PrivacyIndicator: 0x0201, // privacy_indicator
  SourceSubaddress: 0x0202, // source_subaddress
  DestSubaddress: 0x0203, // dest_subaddress
  UserMessageReference: 0x0204, // user_message_reference
  UserResponseCode: 0x0205, // user_response_code
  SourcePort: 0x020a, // source_port
  DestinationPort: 0x020b, // destination_port
  SarMsgRefNum: 0x020c, // sar_msg_ref_num
  LanguageIndicator: 0x020d, // language_indicator
  SarTotalSegments: 0x020e, // sar_total_segments
  SarSegmentSeqnum: 0x020f, // sar_segment_seqnum
  ScInterfaceVersion: 0x0210, // sc_interface_version
  CallbackNumPresInd: 0x0302, // callback_num_pres_ind
  CallbackNumAtag: 0x0303, // callback_num_atag
  NumberOfMessages: 0x0304, // number_of_messages
  CallbackNum: 0x0381, // callback_num
  DpfResult: 0x0420, // dpf_result
  SetDpf: 0x0421, // set_dpf
  MsAvailabilityStatus: 0x0422, // ms_availability_status
  NetworkErrorCode: 0x0423, // network_error_code
  MessagePayload: 0x0424, // message_payload
  DeliveryFailureReason: 0x0425, // delivery_failure_reason
  MoreMessagesToSend: 0x0426, // more_messages_to_send
  MessageState: 0x0427, // message_state
  UssdServiceOp: 0x0501, // ussd_service_op
  DisplayTime: 0x1201, // display_time
  SmsSignal: 0x1203, // sms_signal
  MsValidity: 0x1204, // ms_validity
  AlertOnMessageDelivery: 0x130c, // alert_on_message_delivery
  ItsReplyType: 0x1380, // its_reply_type
  ItsSessionInfo: 0x1383, // its_session_info
} as const

/** How a TLV's value is represented: integers of 1/2/4 octets, a C-octet string, an octet string, or the alert flag. */
enum Kind {
  U8 = 1,
  U16 = 2,
  U32 = 4,
  CStr = 5,
  Octets = 6,
  Flag = 7,
}

type TlvKey = Exclude<keyof Tlvs, 'unknownTlvs'>
interface TlvDef {
  tag: number
  key: TlvKey
  kind: Kind
  /** Octet strings of a fixed size (network_error_code, its_session_info); 0 when variable. */
  size: number
}

const def = (tag: number, key: TlvKey, kind: Kind, size = 0): TlvDef => ({ tag, key, kind, size })

const defs: TlvDef[] = [
  def(TlvTag.DestAddrSubunit, 'destAddrSubunit', Kind.U8),
  def(TlvTag.DestNetworkType, 'destNetworkType', Kind.U8),
  def(TlvTag.DestBearerType, 'destBearerType', Kind.U8),
  def(TlvTag.DestTelematicsId, 'destTelematicsId', Kind.U16),
  def(TlvTag.SourceAddrSubunit, 'sourceAddrSubunit', Kind.U8),
  def(TlvTag.SourceNetworkType, 'sourceNetworkType', Kind.U8),
  def(TlvTag.SourceBearerType, 'sourceBearerType', Kind.U8),
  def(TlvTag.SourceTelematicsId, 'sourceTelematicsId', Kind.U16),
  def(TlvTag.QosTimeToLive, 'qosTimeToLive', Kind.U32),
  def(TlvTag.PayloadType, 'payloadType', Kind.U8),
  def(TlvTag.AdditionalStatusInfoText, 'additionalStatusInfoText', Kind.CStr),
  def(TlvTag.ReceiptedMessageId, 'receiptedMessageId', Kind.CStr),
  def(TlvTag.MsMsgWaitFacilities, 'msMsgWaitFacilities', Kind.U8),
  def(TlvTag.PrivacyIndicator, 'privacyIndicator', Kind.U8),
  def(TlvTag.SourceSubaddress, 'sourceSubaddress', Kind.Octets),
  def(TlvTag.DestSubaddress, 'destSubaddress', Kind.Octets),
  def(TlvTag.UserMessageReference, 'userMessageReference', Kind.U16),
  def(TlvTag.UserResponseCode, 'userResponseCode', Kind.U8),
  def(TlvTag.SourcePort, 'sourcePort', Kind.U16),
  def(TlvTag.DestinationPort, 'destinationPort', Kind.U16),
  def(TlvTag.SarMsgRefNum, 'sarMsgRefNum', Kind.U16),
  def(TlvTag.LanguageIndicator, 'languageIndicator', Kind.U8),
  def(TlvTag.SarTotalSegments, 'sarTotalSegments', Kind.U8),
  def(TlvTag.SarSegmentSeqnum, 'sarSegmentSeqnum', Kind.U8),
  def(TlvTag.ScInterfaceVersion, 'scInterfaceVersion', Kind.U8),
  def(TlvTag.CallbackNumPresInd, 'callbackNumPresInd', Kind.U8),
  def(TlvTag.CallbackNumAtag, 'callbackNumAtag', Kind.Octets),
  def(TlvTag.NumberOfMessages, 'numberOfMessages', Kind.U8),
  def(TlvTag.CallbackNum, 'callbackNum', Kind.Octets),
  def(TlvTag.DpfResult, 'dpfResult', Kind.U8),
  def(TlvTag.SetDpf, 'setDpf', Kind.U8),
  def(TlvTag.MsAvailabilityStatus, 'msAvailabilityStatus', Kind.U8),
  def(TlvTag.NetworkErrorCode, 'networkErrorCode', Kind.Octets, 3),
  def(TlvTag.MessagePayload, 'messagePayload', Kind.Octets),
  def(TlvTag.DeliveryFailureReason, 'deliveryFailureReason', Kind.U8),
  def(TlvTag.MoreMessagesToSend, 'moreMessagesToSend', Kind.U8),
  def(TlvTag.MessageState, 'messageState', Kind.U8),
  def(TlvTag.UssdServiceOp, 'ussdServiceOp', Kind.U8),
  def(TlvTag.DisplayTime, 'displayTime', Kind.U8),
  def(TlvTag.SmsSignal, 'smsSignal', Kind.U16),
  def(TlvTag.MsValidity, 'msValidity', Kind.U8),
  def(TlvTag.AlertOnMessageDelivery, 'alertOnMessageDelivery', Kind.Flag),
  def(TlvTag.ItsReplyType, 'itsReplyType', Kind.U8),
  def(TlvTag.ItsSessionInfo, 'itsSessionInfo', Kind.Octets, 2),
]

// Dense lookup by tag: all SMPP 3.4 tags are below 0x1400.
const byTag: (TlvDef | undefined)[] = new Array(0x1400).fill(undefined)
const byKey = new Map<string, TlvDef>()
for (const d of defs) {
  byTag[d.tag] = d
  byKey.set(d.key, d)
}

/** The body property a TLV tag decodes to, or undefined for an unknown tag. */
export const tlvKeyOf = (tag: number): string | undefined => (tag < 0x1400 ? byTag[tag]?.key : undefined)

/**
 * Reads TLVs from r.pos to the end of the body into `body`. `mandatory` names a mandatory field of the
 * same name (query_sm_resp's message_state), which a TLV must not overwrite.
 */
export function readTlvs(r: Reader, body: Record<string, unknown>, mandatory?: string): void {
  const buf = r.buf
  const end = r.end
  let pos = r.pos
  while (pos < end) {
    if (pos + 4 > end) throw r.fail(Status.InvOptParStream, `${end - pos} stray octets after the last TLV`)
    const tag = (buf[pos] << 8) | buf[pos + 1]
    const len = (buf[pos + 2] << 8) | buf[pos + 3]
    const start = pos + 4
    pos = start + len
    if (pos > end) throw r.fail(Status.InvOptParStream, `TLV 0x${tag.toString(16).padStart(4, '0')} runs past the end of the PDU`)
    const d = tag < 0x1400 ? byTag[tag] : undefined
    if (d === undefined || body[d.key] !== undefined || d.key === mandatory) {
      const unknown: UnknownTlv = { tag, value: buf.subarray(start, pos) }
      const list = body.unknownTlvs as UnknownTlv[] | undefined
      if (list === undefined) body.unknownTlvs = [unknown]
      else list.push(unknown)
      continue
    }
    body[d.key] = readValue(r, d, start, len)
  }
  r.pos = pos
}

function readValue(r: Reader, d: TlvDef, start: number, len: number): unknown {
  const buf = r.buf
  switch (d.kind) {
    case Kind.U8:
    case Kind.U16:
    case Kind.U32:
      if (len !== d.kind) throw badLength(r, d, len)
      return d.kind === Kind.U8 ? buf[start] : d.kind === Kind.U16 ? (buf[start] << 8) | buf[start + 1] : buf.readUInt32BE(start)
    case Kind.CStr: {
      // Lenient about a missing NUL: some ESMEs send receipted_message_id without one, and the id is still clear.
      const stop = len > 0 && buf[start + len - 1] === 0 ? start + len - 1 : start + len
      return buf.latin1Slice(start, stop)
    }
    case Kind.Octets:
      if (d.size !== 0 && len !== d.size) throw badLength(r, d, len)
      return buf.subarray(start, start + len)
    case Kind.Flag:
      // alert_on_message_delivery has no value in SMPP 3.4; SMPP 5.0 peers send one octet.
      if (len > 1) throw badLength(r, d, len)
      return len === 0 ? true : buf[start]
  }
}

const badLength = (r: Reader, d: TlvDef, len: number): PduError =>
  r.fail(Status.InvParLen, `TLV ${d.key} (0x${d.tag.toString(16).padStart(4, '0')}) has length ${len}`)

const valueSize = (d: TlvDef, v: unknown): number => {
  switch (d.kind) {
    case Kind.U8:
    case Kind.U16:
    case Kind.U32:
      return d.kind
    case Kind.CStr:
      return (v as string).length + 1
    case Kind.Octets:
      return (v as Buffer).length
    case Kind.Flag:
      return v === true ? 0 : 1
  }
}

/**
 * Collects the TLVs present in `body` (in property order, so a decoded PDU re-encodes in wire order) into
 * `out` and returns their encoded size. `out` is reused between calls to avoid an allocation per PDU.
 */
export function collectTlvs(body: object, out: TlvDef[], mandatory?: string): number {
  out.length = 0
  let size = 0
  const b = body as Record<string, unknown>
  for (const key in b) {
    const d = byKey.get(key)
    if (d === undefined) {
      if (key === 'unknownTlvs' && b.unknownTlvs !== undefined) size += unknownSize(b.unknownTlvs as UnknownTlv[])
      continue
    }
    const v = b[key]
    if (v === undefined || key === mandatory) continue
    const n = valueSize(d, v)
    if (n > 0xffff) throw new PduError(Status.InvParLen, `TLV ${key} is longer than 65535 octets`)
    out.push(d)
    size += 4 + n
  }
  return size
}

function unknownSize(list: UnknownTlv[]): number {
  let size = 0
  for (const u of list) {
    if (u.value.length > 0xffff) throw new PduError(Status.InvParLen, `TLV 0x${u.tag.toString(16)} is longer than 65535 octets`)
    size += 4 + u.value.length
  }
  return size
}

export function writeTlvs(w: Writer, body: object, collected: TlvDef[]): void {
  const b = body as Record<string, unknown>
  for (let i = 0; i < collected.length; i++) {
    const d = collected[i]
    const v = b[d.key]
    w.u16(d.tag)
    w.u16(valueSize(d, v))
    switch (d.kind) {
      case Kind.U8:
        w.u8(v as number)
        break
      case Kind.U16:
        w.u16(v as number)
        break
      case Kind.U32:
        w.u32(v as number)
        break
      case Kind.CStr:
        w.cstr(v as string)
        break
      case Kind.Octets:
        w.octets(v as Buffer)
        break
      case Kind.Flag:
        if (v !== true) w.u8(v as number)
        break
    }
  }
  const unknown = b.unknownTlvs as UnknownTlv[] | undefined
  if (unknown !== undefined) {
    for (const u of unknown) {
      w.u16(u.tag)
      w.u16(u.value.length)
      w.octets(u.value)
    }
  }
}

export type { TlvDef }
