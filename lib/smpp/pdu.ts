/**
 * The SMPP 3.4 PDU model: command ids (section 5.1.2.1) and one body interface per PDU (chapter 4).
 *
 * Bodies use the spec's field names in camelCase. Optional parameters (TLVs, section 5.3) are flattened
 * into the body as optional properties, present only when the TLV was on the wire, so that
 * decode(encode(pdu)) deep-equals pdu. Lengths that the wire derives (command_length, sm_length,
 * number_of_dests, no_unsuccess) are not stored.
 */

export const CommandId = {
  GenericNack: 0x80000000, // generic_nack
  BindReceiver: 0x00000001, // bind_receiver
  BindReceiverResp: 0x80000001, // bind_receiver_resp
  BindTransmitter: 0x00000002, // bind_transmitter
  BindTransmitterResp: 0x80000002, // bind_transmitter_resp
  QuerySm: 0x00000003, // query_sm
  QuerySmResp: 0x80000003, // query_sm_resp
  SubmitSm: 0x00000004, // submit_sm
  SubmitSmResp: 0x80000004, // submit_sm_resp
  DeliverSm: 0x00000005, // deliver_sm
  DeliverSmResp: 0x80000005, // deliver_sm_resp
  Unbind: 0x00000006, // unbind
  UnbindResp: 0x80000006, // unbind_resp
  ReplaceSm: 0x00000007, // replace_sm
  ReplaceSmResp: 0x80000007, // replace_sm_resp
  CancelSm: 0x00000008, // cancel_sm
  CancelSmResp: 0x80000008, // cancel_sm_resp
  BindTransceiver: 0x00000009, // bind_transceiver
  BindTransceiverResp: 0x80000009, // bind_transceiver_resp
  Outbind: 0x0000000b, // outbind
  EnquireLink: 0x00000015, // enquire_link
  EnquireLinkResp: 0x80000015, // enquire_link_resp
  SubmitMulti: 0x00000021, // submit_multi
  SubmitMultiResp: 0x80000021, // submit_multi_resp
  AlertNotification: 0x00000102, // alert_notification
  DataSm: 0x00000103, // data_sm
  DataSmResp: 0x80000103, // data_sm_resp
} as const

/** A command_id this codec knows. The wire may carry others; `Pdu.commandId` is therefore a number. */
export type CommandIdValue = (typeof CommandId)[keyof typeof CommandId]

/** One PDU: the header fields (command_length is derived) and the body. */
export interface Pdu<B extends object = Record<string, unknown>> {
  commandId: number
  status: number
  sequence: number
  body: B
}

/** A TLV whose tag this codec does not know (or a duplicate of one it does); kept so it can be re-encoded. */
export interface UnknownTlv {
  tag: number
  value: Buffer
}

/**
 * Every optional parameter of SMPP 3.4 table 5.3.2 (section 5.3.2), flattened into the body.
 * Integers are numbers, C-octet strings are strings (latin1), octet strings are Buffers.
 */
export interface Tlvs {
  destAddrSubunit?: number // dest_addr_subunit 0x0005
  destNetworkType?: number // dest_network_type 0x0006
  destBearerType?: number // dest_bearer_type 0x0007
  destTelematicsId?: number // dest_telematics_id 0x0008 (2 octets)
  sourceAddrSubunit?: number // source_addr_subunit 0x000D
  sourceNetworkType?: number // source_network_type 0x000E
  sourceBearerType?: number // source_bearer_type 0x000F
  sourceTelematicsId?: number // source_telematics_id 0x0010 (2 octets)
  qosTimeToLive?: number // qos_time_to_live 0x0017 (4 octets)
  payloadType?: number // payload_type 0x0019
  additionalStatusInfoText?: string // additional_status_info_text 0x001D
  receiptedMessageId?: string // receipted_message_id 0x001E
  msMsgWaitFacilities?: number // ms_msg_wait_facilities 0x0030
  privacyIndicator?: number // privacy_indicator 0x0201
  sourceSubaddress?: Buffer // source_subaddress 0x0202
  destSubaddress?: Buffer // dest_subaddress 0x0203
  userMessageReference?: number // user_message_reference 0x0204 (2 octets)
  userResponseCode?: number // user_response_code 0x0205
  sourcePort?: number // source_port 0x020A (2 octets)
  destinationPort?: number // destination_port 0x020B (2 octets)
  sarMsgRefNum?: number // sar_msg_ref_num 0x020C (2 octets)
  languageIndicator?: number // language_indicator 0x020D
  sarTotalSegments?: number // sar_total_segments 0x020E
  sarSegmentSeqnum?: number // sar_segment_seqnum 0x020F
  scInterfaceVersion?: number // sc_interface_version 0x0210
  callbackNumPresInd?: number // callback_num_pres_ind 0x0302
  callbackNumAtag?: Buffer // callback_num_atag 0x0303
  numberOfMessages?: number // number_of_messages 0x0304
  callbackNum?: Buffer // callback_num 0x0381
  dpfResult?: number // dpf_result 0x0420
  setDpf?: number // set_dpf 0x0421
  msAvailabilityStatus?: number // ms_availability_status 0x0422
  networkErrorCode?: Buffer // network_error_code 0x0423 (3 octets: network type, error code)
  messagePayload?: Buffer // message_payload 0x0424
  deliveryFailureReason?: number // delivery_failure_reason 0x0425
  moreMessagesToSend?: number // more_messages_to_send 0x0426
  messageState?: number // message_state 0x0427
  ussdServiceOp?: number // ussd_service_op 0x0501 (1 octet)
  displayTime?: number // display_time 0x1201
  smsSignal?: number // sms_signal 0x1203 (2 octets)
  msValidity?: number // ms_validity 0x1204
  /** alert_on_message_delivery 0x130C: zero-length in SMPP 3.4 (`true`); some peers send one octet (a number). */
  alertOnMessageDelivery?: true | number
  itsReplyType?: number // its_reply_type 0x1380
  itsSessionInfo?: Buffer // its_session_info 0x1383 (2 octets)
  unknownTlvs?: UnknownTlv[]
}

// The PDUs without a body (enquire_link, unbind, generic_nack, ...) have body {}
export type EmptyBody = {}

/** bind_transmitter, bind_receiver, bind_transceiver (section 4.1). */
export interface BindBody extends Tlvs {
  systemId: string // system_id, max 16
  password: string // password, max 9
  systemType: string // system_type, max 13
  interfaceVersion: number // interface_version
  addrTon: number // addr_ton
  addrNpi: number // addr_npi
  addressRange: string // address_range, max 41
}

/** bind_*_resp (section 4.1). May be empty when command_status is non-zero. */
export interface BindRespBody extends Tlvs {
  systemId: string
}

/** outbind (section 4.1.7). */
export interface OutbindBody extends Tlvs {
  systemId: string
  password: string
}

/** submit_sm (section 4.4.1). */
export interface SubmitSm extends Tlvs {
  serviceType: string // service_type, max 6
  sourceAddrTon: number
  sourceAddrNpi: number
  sourceAddr: string // source_addr, max 21
  destAddrTon: number
  destAddrNpi: number
  destinationAddr: string // destination_addr, max 21
  esmClass: number
  protocolId: number
  priorityFlag: number
  scheduleDeliveryTime: string // max 17
  validityPeriod: string // max 17
  registeredDelivery: number
  replaceIfPresentFlag: number
  dataCoding: number
  smDefaultMsgId: number
  shortMessage: Buffer // sm_length is derived; 0..254 octets
}

/** deliver_sm (section 4.6.1): the same layout as submit_sm. */
export interface DeliverSm extends SubmitSm {}

/** submit_sm_resp, deliver_sm_resp, data_sm_resp (sections 4.4.2, 4.6.2, 4.7.2). May be empty when command_status is non-zero. */
export interface SubmitSmResp extends Tlvs {
  messageId: string // message_id, max 65
}
export interface DeliverSmResp extends SubmitSmResp {}
export interface DataSmResp extends SubmitSmResp {}

export type DestAddress =
  | { destFlag: 1; destAddrTon: number; destAddrNpi: number; destinationAddr: string } // SME address
  | { destFlag: 2; dlName: string } // distribution list name

/** submit_multi (section 4.5.1). */
export interface SubmitMulti extends Tlvs {
  serviceType: string
  sourceAddrTon: number
  sourceAddrNpi: number
  sourceAddr: string
  dests: DestAddress[] // number_of_dests is derived; 1..254
  esmClass: number
  protocolId: number
  priorityFlag: number
  scheduleDeliveryTime: string
  validityPeriod: string
  registeredDelivery: number
  replaceIfPresentFlag: number
  dataCoding: number
  smDefaultMsgId: number
  shortMessage: Buffer
}

export interface UnsuccessSme {
  destAddrTon: number
  destAddrNpi: number
  destinationAddr: string
  errorStatusCode: number
}

/** submit_multi_resp (section 4.5.2). */
export interface SubmitMultiResp extends Tlvs {
  messageId: string
  unsuccessSmes: UnsuccessSme[] // no_unsuccess is derived
}

/** data_sm (section 4.7.1). */
export interface DataSm extends Tlvs {
  serviceType: string
  sourceAddrTon: number
  sourceAddrNpi: number
  sourceAddr: string // max 65
  destAddrTon: number
  destAddrNpi: number
  destinationAddr: string // max 65
  esmClass: number
  registeredDelivery: number
  dataCoding: number
}

/** query_sm (section 4.8.1). */
export interface QuerySm extends Tlvs {
  messageId: string
  sourceAddrTon: number
  sourceAddrNpi: number
  sourceAddr: string
}

/** query_sm_resp (section 4.8.2). `messageState` here is the mandatory field, not the TLV. */
export interface QuerySmResp extends Tlvs {
  messageId: string
  finalDate: string // max 17
  messageState: number
  errorCode: number
}

/** cancel_sm (section 4.9.1). */
export interface CancelSm extends Tlvs {
  serviceType: string
  messageId: string
  sourceAddrTon: number
  sourceAddrNpi: number
  sourceAddr: string
  destAddrTon: number
  destAddrNpi: number
  destinationAddr: string
}

/** replace_sm (section 4.10.1). */
export interface ReplaceSm extends Tlvs {
  messageId: string
  sourceAddrTon: number
  sourceAddrNpi: number
  sourceAddr: string
  scheduleDeliveryTime: string
  validityPeriod: string
  registeredDelivery: number
  smDefaultMsgId: number
  shortMessage: Buffer
}

/** alert_notification (section 4.12.1). */
export interface AlertNotification extends Tlvs {
  sourceAddrTon: number
  sourceAddrNpi: number
  sourceAddr: string // max 65
  esmeAddrTon: number
  esmeAddrNpi: number
  esmeAddr: string // max 65
}

/** The body type of each known command, for `Pdu<BodyOf<typeof CommandId.SubmitSm>>`. */
export interface Bodies {
  [CommandId.GenericNack]: EmptyBody
  [CommandId.BindReceiver]: BindBody
  [CommandId.BindReceiverResp]: BindRespBody
  [CommandId.BindTransmitter]: BindBody
  [CommandId.BindTransmitterResp]: BindRespBody
  [CommandId.QuerySm]: QuerySm
  [CommandId.QuerySmResp]: QuerySmResp
  [CommandId.SubmitSm]: SubmitSm
  [CommandId.SubmitSmResp]: SubmitSmResp
  [CommandId.DeliverSm]: DeliverSm
  [CommandId.DeliverSmResp]: DeliverSmResp
  [CommandId.Unbind]: EmptyBody
  [CommandId.UnbindResp]: EmptyBody
  [CommandId.ReplaceSm]: ReplaceSm
  [CommandId.ReplaceSmResp]: EmptyBody
  [CommandId.CancelSm]: CancelSm
  [CommandId.CancelSmResp]: EmptyBody
  [CommandId.BindTransceiver]: BindBody
  [CommandId.BindTransceiverResp]: BindRespBody
  [CommandId.Outbind]: OutbindBody
  [CommandId.EnquireLink]: EmptyBody
  [CommandId.EnquireLinkResp]: EmptyBody
  [CommandId.SubmitMulti]: SubmitMulti
  [CommandId.SubmitMultiResp]: SubmitMultiResp
  [CommandId.AlertNotification]: AlertNotification
  [CommandId.DataSm]: DataSm
  [CommandId.DataSmResp]: DataSmResp
}
export type BodyOf<C extends CommandIdValue> = Bodies[C]

/** Responses whose body may be absent when command_status is non-zero (sections 4.1, 4.4.2, 4.5.2, 4.6.2, 4.7.2). */
type MaybeEmpty =
  | typeof CommandId.BindReceiverResp
  | typeof CommandId.BindTransmitterResp
  | typeof CommandId.BindTransceiverResp
  | typeof CommandId.SubmitSmResp
  | typeof CommandId.DeliverSmResp
  | typeof CommandId.DataSmResp
  | typeof CommandId.SubmitMultiResp

/** A body as the codec decodes it: a response that may come without its body has every field optional. */
export type DecodedBody<C extends CommandIdValue> = C extends MaybeEmpty ? Partial<Bodies[C]> : Bodies[C]

/** One member of the union: a PDU whose command_id fixes its body's type. */
export interface PduOf<C extends CommandIdValue> {
  commandId: C
  status: number
  sequence: number
  body: DecodedBody<C>
}

/**
 * Every PDU the codec decodes, as a union discriminated by commandId: `switch (pdu.commandId)` narrows the body.
 * decode() never yields another command_id (an unknown one is a PduError, answered with generic_nack).
 */
export type KnownPdu = { [C in CommandIdValue]: PduOf<C> }[CommandIdValue]

/**
 * Narrows a PDU from the session engine (typed `Pdu`, the codec's output) to the union members of `ids`, by its
 * command_id: one integer compare, no copy. The body's type follows from the id because the codec decoded the body
 * with that command_id's layout (bodies.ts), which is why this is the one place the relation is asserted.
 */
export function isPdu<C extends CommandIdValue>(pdu: Pdu, ...ids: C[]): pdu is Pdu & PduOf<C> {
  return (ids as number[]).includes(pdu.commandId)
}

/** The body of a PDU the session routed here by command_id; a mismatch is a wiring bug, never input. */
export function bodyOf<C extends CommandIdValue>(pdu: Pdu, ...ids: C[]): DecodedBody<C> {
  if (!isPdu(pdu, ...ids)) throw new Error(`command_id 0x${pdu.commandId.toString(16)} routed to a handler of ${ids.join(', ')}`)
  return pdu.body
}

export type SubmitSmPdu = PduOf<typeof CommandId.SubmitSm>
export type DeliverSmPdu = PduOf<typeof CommandId.DeliverSm>

export { EsmClass } from './esm-class'
/** message_state values (section 5.2.28): one table, kept with the receipt text that maps them to stat words. */
export { MessageState } from './receipt'
