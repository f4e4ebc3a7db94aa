/**
 * Mandatory-parameter layouts of every SMPP 3.4 PDU (chapter 4), one decoder/sizer/writer per body shape.
 * Hand-written rather than table-driven: submit_sm and deliver_sm are the hot path of the node, and object
 * literals built in one expression keep one hidden class per PDU type.
 */
import type {
  AlertNotification,
  BindBody,
  BindRespBody,
  CancelSm,
  DataSm,
  DestAddress,
  OutbindBody,
  QuerySm,
  QuerySmResp,
  ReplaceSm,
  SubmitMulti,
  SubmitMultiResp,
  SubmitSm,
  SubmitSmResp,
  UnsuccessSme,
} from './pdu'
import { CommandId } from './pdu'
import { Status } from './status'
import { cstrSize, PduError, type Reader, type Writer } from './wire'

/** Maximum sizes of C-octet strings, NUL included (section 5.2). */
const Max = {
  SystemId: 16, // system_id
  Password: 9, // password
  SystemType: 13, // system_type
  AddressRange: 41, // address_range
  ServiceType: 6, // service_type
  Addr: 21, // source_addr / destination_addr of submit_sm, deliver_sm, query_sm, cancel_sm, replace_sm, submit_multi
  LongAddr: 65, // source_addr / destination_addr of data_sm, source_addr / esme_addr of alert_notification
  Time: 17, // schedule_delivery_time, validity_period, final_date
  MessageId: 65, // message_id
  DlName: 21, // dl_name
} as const

export interface Layout<B extends object = object> {
  name: string // the spec's command name, e.g. 'submit_sm'
  decode(r: Reader): B
  size(b: B): number
  write(w: Writer, b: B): void
  /** false for PDUs without a body: trailing octets are ignored there, so a sloppy enquire_link still gets its answer. */
  tlvs: boolean
  /** A mandatory field that shares its name with a TLV (query_sm_resp's message_state). */
  shadowed?: string
  /**
   * For responses whose body SMPP 3.4 omits when command_status is non-zero: the field whose absence
   * means "no body". A header-only response decodes to body {}, and body {} encodes header-only.
   */
  presence?: string
}

const smLength = (sm: Buffer, field = 'short_message'): number => {
  if (sm.length > 255) throw new PduError(Status.InvMsgLen, `${field} is longer than 255 octets (sm_length is one octet)`)
  return sm.length + 1
}

const bind: Layout<BindBody> = {
  name: 'bind',
  tlvs: true,
  decode: (r) => ({
    systemId: r.cstr(Max.SystemId, Status.InvSysId, 'system_id'),
    password: r.cstr(Max.Password, Status.InvPaswd, 'password'),
    systemType: r.cstr(Max.SystemType, Status.InvSysTyp, 'system_type'),
    interfaceVersion: r.u8('interface_version'),
    addrTon: r.u8('addr_ton'),
    addrNpi: r.u8('addr_npi'),
    addressRange: r.cstr(Max.AddressRange, Status.InvMsgLen, 'address_range'),
  }),
  size: (b) =>
    cstrSize(b.systemId, Max.SystemId, Status.InvSysId, 'system_id') +
    cstrSize(b.password, Max.Password, Status.InvPaswd, 'password') +
    cstrSize(b.systemType, Max.SystemType, Status.InvSysTyp, 'system_type') +
    3 +
    cstrSize(b.addressRange, Max.AddressRange, Status.InvMsgLen, 'address_range'),
  write: (w, b) => {
    w.cstr(b.systemId)
    w.cstr(b.password)
    w.cstr(b.systemType)
    w.u8(b.interfaceVersion)
    w.u8(b.addrTon)
    w.u8(b.addrNpi)
    w.cstr(b.addressRange)
  },
}

const bindResp: Layout<BindRespBody> = {
  name: 'bind_resp',
  tlvs: true,
  presence: 'systemId',
  decode: (r) => ({ systemId: r.cstr(Max.SystemId, Status.InvSysId, 'system_id') }),
  size: (b) => cstrSize(b.systemId, Max.SystemId, Status.InvSysId, 'system_id'),
  write: (w, b) => w.cstr(b.systemId),
}

const outbind: Layout<OutbindBody> = {
  name: 'outbind',
  tlvs: true,
  decode: (r) => ({
    systemId: r.cstr(Max.SystemId, Status.InvSysId, 'system_id'),
    password: r.cstr(Max.Password, Status.InvPaswd, 'password'),
  }),
  size: (b) =>
    cstrSize(b.systemId, Max.SystemId, Status.InvSysId, 'system_id') + cstrSize(b.password, Max.Password, Status.InvPaswd, 'password'),
  write: (w, b) => {
    w.cstr(b.systemId)
    w.cstr(b.password)
  },
}

/** submit_sm (4.4.1) and deliver_sm (4.6.1) share one layout. */
const submitSm: Layout<SubmitSm> = {
  name: 'submit_sm',
  tlvs: true,
  decode: (r) => ({
    serviceType: r.cstr(Max.ServiceType, Status.InvSerTyp, 'service_type'),
    sourceAddrTon: r.u8('source_addr_ton'),
    sourceAddrNpi: r.u8('source_addr_npi'),
    sourceAddr: r.cstr(Max.Addr, Status.InvSrcAdr, 'source_addr'),
    destAddrTon: r.u8('dest_addr_ton'),
    destAddrNpi: r.u8('dest_addr_npi'),
    destinationAddr: r.cstr(Max.Addr, Status.InvDstAdr, 'destination_addr'),
    esmClass: r.u8('esm_class'),
    protocolId: r.u8('protocol_id'),
    priorityFlag: r.u8('priority_flag'),
    scheduleDeliveryTime: r.cstr(Max.Time, Status.InvSched, 'schedule_delivery_time'),
    validityPeriod: r.cstr(Max.Time, Status.InvExpiry, 'validity_period'),
    registeredDelivery: r.u8('registered_delivery'),
    replaceIfPresentFlag: r.u8('replace_if_present_flag'),
    dataCoding: r.u8('data_coding'),
    smDefaultMsgId: r.u8('sm_default_msg_id'),
    shortMessage: r.octets8('short_message'),
  }),
  size: (b) =>
    cstrSize(b.serviceType, Max.ServiceType, Status.InvSerTyp, 'service_type') +
    cstrSize(b.sourceAddr, Max.Addr, Status.InvSrcAdr, 'source_addr') +
    cstrSize(b.destinationAddr, Max.Addr, Status.InvDstAdr, 'destination_addr') +
    cstrSize(b.scheduleDeliveryTime, Max.Time, Status.InvSched, 'schedule_delivery_time') +
    cstrSize(b.validityPeriod, Max.Time, Status.InvExpiry, 'validity_period') +
    11 +
    smLength(b.shortMessage),
  write: (w, b) => {
    w.cstr(b.serviceType)
    w.u8(b.sourceAddrTon)
    w.u8(b.sourceAddrNpi)
    w.cstr(b.sourceAddr)
    w.u8(b.destAddrTon)
    w.u8(b.destAddrNpi)
    w.cstr(b.destinationAddr)
    w.u8(b.esmClass)
    w.u8(b.protocolId)
    w.u8(b.priorityFlag)
    w.cstr(b.scheduleDeliveryTime)
    w.cstr(b.validityPeriod)
    w.u8(b.registeredDelivery)
    w.u8(b.replaceIfPresentFlag)
    w.u8(b.dataCoding)
    w.u8(b.smDefaultMsgId)
    w.u8(b.shortMessage.length)
    w.octets(b.shortMessage)
  },
}

/** submit_sm_resp, deliver_sm_resp, data_sm_resp: message_id only. */
const messageIdResp: Layout<SubmitSmResp> = {
  name: 'message_id_resp',
  tlvs: true,
  presence: 'messageId',
  decode: (r) => ({ messageId: r.cstr(Max.MessageId, Status.InvMsgId, 'message_id') }),
  size: (b) => cstrSize(b.messageId, Max.MessageId, Status.InvMsgId, 'message_id'),
  write: (w, b) => w.cstr(b.messageId),
}

const readDest = (r: Reader): DestAddress => {
  const destFlag = r.u8('dest_flag')
  if (destFlag === 1)
    return {
      destFlag,
      destAddrTon: r.u8('dest_addr_ton'),
      destAddrNpi: r.u8('dest_addr_npi'),
      destinationAddr: r.cstr(Max.Addr, Status.InvDstAdr, 'destination_addr'),
    }
  if (destFlag === 2) return { destFlag, dlName: r.cstr(Max.DlName, Status.InvDlName, 'dl_name') }
  throw r.fail(Status.InvDestFlag, `dest_flag ${destFlag} is neither 1 (SME address) nor 2 (distribution list)`)
}

const destsSize = (dests: DestAddress[]): number => {
  if (dests.length > 255) throw new PduError(Status.InvNumDests, 'more than 255 destinations (number_of_dests is one octet)')
  let size = 1
  for (const d of dests) {
    if (d.destFlag === 1) size += 3 + cstrSize(d.destinationAddr, Max.Addr, Status.InvDstAdr, 'destination_addr')
    else if (d.destFlag === 2) size += 1 + cstrSize(d.dlName, Max.DlName, Status.InvDlName, 'dl_name')
    else throw new PduError(Status.InvDestFlag, `dest_flag ${(d as { destFlag: number }).destFlag}`)
  }
  return size
}

const submitMulti: Layout<SubmitMulti> = {
  name: 'submit_multi',
  tlvs: true,
  decode: (r) => ({
    serviceType: r.cstr(Max.ServiceType, Status.InvSerTyp, 'service_type'),
    sourceAddrTon: r.u8('source_addr_ton'),
    sourceAddrNpi: r.u8('source_addr_npi'),
    sourceAddr: r.cstr(Max.Addr, Status.InvSrcAdr, 'source_addr'),
    dests: Array.from({ length: r.u8('number_of_dests') }, () => readDest(r)),
    esmClass: r.u8('esm_class'),
    protocolId: r.u8('protocol_id'),
    priorityFlag: r.u8('priority_flag'),
    scheduleDeliveryTime: r.cstr(Max.Time, Status.InvSched, 'schedule_delivery_time'),
    validityPeriod: r.cstr(Max.Time, Status.InvExpiry, 'validity_period'),
    registeredDelivery: r.u8('registered_delivery'),
    replaceIfPresentFlag: r.u8('replace_if_present_flag'),
    dataCoding: r.u8('data_coding'),
    smDefaultMsgId: r.u8('sm_default_msg_id'),
    shortMessage: r.octets8('short_message'),
  }),
  size: (b) =>
    cstrSize(b.serviceType, Max.ServiceType, Status.InvSerTyp, 'service_type') +
    cstrSize(b.sourceAddr, Max.Addr, Status.InvSrcAdr, 'source_addr') +
    destsSize(b.dests) +
    cstrSize(b.scheduleDeliveryTime, Max.Time, Status.InvSched, 'schedule_delivery_time') +
    cstrSize(b.validityPeriod, Max.Time, Status.InvExpiry, 'validity_period') +
    9 +
    smLength(b.shortMessage),
  write: (w, b) => {
    w.cstr(b.serviceType)
    w.u8(b.sourceAddrTon)
    w.u8(b.sourceAddrNpi)
    w.cstr(b.sourceAddr)
    w.u8(b.dests.length)
    for (const d of b.dests) {
      w.u8(d.destFlag)
      if (d.destFlag === 1) {
        w.u8(d.destAddrTon)
        w.u8(d.destAddrNpi)
        w.cstr(d.destinationAddr)
      } else w.cstr(d.dlName)
    }
    w.u8(b.esmClass)
    w.u8(b.protocolId)
    w.u8(b.priorityFlag)
    w.cstr(b.scheduleDeliveryTime)
    w.cstr(b.validityPeriod)
    w.u8(b.registeredDelivery)
    w.u8(b.replaceIfPresentFlag)
    w.u8(b.dataCoding)
    w.u8(b.smDefaultMsgId)
    w.u8(b.shortMessage.length)
    w.octets(b.shortMessage)
  },
}

const readUnsuccess = (r: Reader): UnsuccessSme => ({
  destAddrTon: r.u8('dest_addr_ton'),
  destAddrNpi: r.u8('dest_addr_npi'),
  destinationAddr: r.cstr(Max.Addr, Status.InvDstAdr, 'destination_addr'),
  errorStatusCode: r.u32('error_status_code'),
})

const submitMultiResp: Layout<SubmitMultiResp> = {
  name: 'submit_multi_resp',
  tlvs: true,
  presence: 'messageId',
  decode: (r) => ({
    messageId: r.cstr(Max.MessageId, Status.InvMsgId, 'message_id'),
    unsuccessSmes: Array.from({ length: r.u8('no_unsuccess') }, () => readUnsuccess(r)),
  }),
  size: (b) => {
    if (b.unsuccessSmes.length > 255) throw new PduError(Status.InvNumDests, 'more than 255 unsuccess_sme (no_unsuccess is one octet)')
    let size = cstrSize(b.messageId, Max.MessageId, Status.InvMsgId, 'message_id') + 1
    for (const u of b.unsuccessSmes) size += 6 + cstrSize(u.destinationAddr, Max.Addr, Status.InvDstAdr, 'destination_addr')
    return size
  },
  write: (w, b) => {
    w.cstr(b.messageId)
    w.u8(b.unsuccessSmes.length)
    for (const u of b.unsuccessSmes) {
      w.u8(u.destAddrTon)
      w.u8(u.destAddrNpi)
      w.cstr(u.destinationAddr)
      w.u32(u.errorStatusCode)
    }
  },
}

const dataSm: Layout<DataSm> = {
  name: 'data_sm',
  tlvs: true,
  decode: (r) => ({
    serviceType: r.cstr(Max.ServiceType, Status.InvSerTyp, 'service_type'),
    sourceAddrTon: r.u8('source_addr_ton'),
    sourceAddrNpi: r.u8('source_addr_npi'),
    sourceAddr: r.cstr(Max.LongAddr, Status.InvSrcAdr, 'source_addr'),
    destAddrTon: r.u8('dest_addr_ton'),
    destAddrNpi: r.u8('dest_addr_npi'),
    destinationAddr: r.cstr(Max.LongAddr, Status.InvDstAdr, 'destination_addr'),
    esmClass: r.u8('esm_class'),
    registeredDelivery: r.u8('registered_delivery'),
    dataCoding: r.u8('data_coding'),
  }),
  size: (b) =>
    cstrSize(b.serviceType, Max.ServiceType, Status.InvSerTyp, 'service_type') +
    cstrSize(b.sourceAddr, Max.LongAddr, Status.InvSrcAdr, 'source_addr') +
    cstrSize(b.destinationAddr, Max.LongAddr, Status.InvDstAdr, 'destination_addr') +
    7,
  write: (w, b) => {
    w.cstr(b.serviceType)
    w.u8(b.sourceAddrTon)
    w.u8(b.sourceAddrNpi)
    w.cstr(b.sourceAddr)
    w.u8(b.destAddrTon)
    w.u8(b.destAddrNpi)
    w.cstr(b.destinationAddr)
    w.u8(b.esmClass)
    w.u8(b.registeredDelivery)
    w.u8(b.dataCoding)
  },
}

const querySm: Layout<QuerySm> = {
  name: 'query_sm',
  tlvs: true,
  decode: (r) => ({
    messageId: r.cstr(Max.MessageId, Status.InvMsgId, 'message_id'),
    sourceAddrTon: r.u8('source_addr_ton'),
    sourceAddrNpi: r.u8('source_addr_npi'),
    sourceAddr: r.cstr(Max.Addr, Status.InvSrcAdr, 'source_addr'),
  }),
  size: (b) =>
    cstrSize(b.messageId, Max.MessageId, Status.InvMsgId, 'message_id') +
    2 +
    cstrSize(b.sourceAddr, Max.Addr, Status.InvSrcAdr, 'source_addr'),
  write: (w, b) => {
    w.cstr(b.messageId)
    w.u8(b.sourceAddrTon)
    w.u8(b.sourceAddrNpi)
    w.cstr(b.sourceAddr)
  },
}

const querySmResp: Layout<QuerySmResp> = {
  name: 'query_sm_resp',
  tlvs: true,
  presence: 'messageId',
  shadowed: 'messageState',
  decode: (r) => ({
    messageId: r.cstr(Max.MessageId, Status.InvMsgId, 'message_id'),
    finalDate: r.cstr(Max.Time, Status.InvMsgLen, 'final_date'),
    messageState: r.u8('message_state'),
    errorCode: r.u8('error_code'),
  }),
  size: (b) =>
    cstrSize(b.messageId, Max.MessageId, Status.InvMsgId, 'message_id') +
    cstrSize(b.finalDate, Max.Time, Status.InvMsgLen, 'final_date') +
    2,
  write: (w, b) => {
    w.cstr(b.messageId)
    w.cstr(b.finalDate)
    w.u8(b.messageState)
    w.u8(b.errorCode)
  },
}

const cancelSm: Layout<CancelSm> = {
  name: 'cancel_sm',
  tlvs: true,
  decode: (r) => ({
    serviceType: r.cstr(Max.ServiceType, Status.InvSerTyp, 'service_type'),
    messageId: r.cstr(Max.MessageId, Status.InvMsgId, 'message_id'),
    sourceAddrTon: r.u8('source_addr_ton'),
    sourceAddrNpi: r.u8('source_addr_npi'),
    sourceAddr: r.cstr(Max.Addr, Status.InvSrcAdr, 'source_addr'),
    destAddrTon: r.u8('dest_addr_ton'),
    destAddrNpi: r.u8('dest_addr_npi'),
    destinationAddr: r.cstr(Max.Addr, Status.InvDstAdr, 'destination_addr'),
  }),
  size: (b) =>
    cstrSize(b.serviceType, Max.ServiceType, Status.InvSerTyp, 'service_type') +
    cstrSize(b.messageId, Max.MessageId, Status.InvMsgId, 'message_id') +
    cstrSize(b.sourceAddr, Max.Addr, Status.InvSrcAdr, 'source_addr') +
    cstrSize(b.destinationAddr, Max.Addr, Status.InvDstAdr, 'destination_addr') +
    4,
  write: (w, b) => {
    w.cstr(b.serviceType)
    w.cstr(b.messageId)
    w.u8(b.sourceAddrTon)
    w.u8(b.sourceAddrNpi)
    w.cstr(b.sourceAddr)
    w.u8(b.destAddrTon)
    w.u8(b.destAddrNpi)
    w.cstr(b.destinationAddr)
  },
}

const replaceSm: Layout<ReplaceSm> = {
  name: 'replace_sm',
  tlvs: true,
  decode: (r) => ({
    messageId: r.cstr(Max.MessageId, Status.InvMsgId, 'message_id'),
    sourceAddrTon: r.u8('source_addr_ton'),
    sourceAddrNpi: r.u8('source_addr_npi'),
    sourceAddr: r.cstr(Max.Addr, Status.InvSrcAdr, 'source_addr'),
    scheduleDeliveryTime: r.cstr(Max.Time, Status.InvSched, 'schedule_delivery_time'),
    validityPeriod: r.cstr(Max.Time, Status.InvExpiry, 'validity_period'),
    registeredDelivery: r.u8('registered_delivery'),
    smDefaultMsgId: r.u8('sm_default_msg_id'),
    shortMessage: r.octets8('short_message'),
  }),
  size: (b) =>
    cstrSize(b.messageId, Max.MessageId, Status.InvMsgId, 'message_id') +
    cstrSize(b.sourceAddr, Max.Addr, Status.InvSrcAdr, 'source_addr') +
    cstrSize(b.scheduleDeliveryTime, Max.Time, Status.InvSched, 'schedule_delivery_time') +
    cstrSize(b.validityPeriod, Max.Time, Status.InvExpiry, 'validity_period') +
    4 +
    smLength(b.shortMessage),
  write: (w, b) => {
    w.cstr(b.messageId)
    w.u8(b.sourceAddrTon)
    w.u8(b.sourceAddrNpi)
    w.cstr(b.sourceAddr)
    w.cstr(b.scheduleDeliveryTime)
    w.cstr(b.validityPeriod)
    w.u8(b.registeredDelivery)
    w.u8(b.smDefaultMsgId)
    w.u8(b.shortMessage.length)
    w.octets(b.shortMessage)
  },
}

const alertNotification: Layout<AlertNotification> = {
  name: 'alert_notification',
  tlvs: true,
  decode: (r) => ({
    sourceAddrTon: r.u8('source_addr_ton'),
    sourceAddrNpi: r.u8('source_addr_npi'),
    sourceAddr: r.cstr(Max.LongAddr, Status.InvSrcAdr, 'source_addr'),
    esmeAddrTon: r.u8('esme_addr_ton'),
    esmeAddrNpi: r.u8('esme_addr_npi'),
    esmeAddr: r.cstr(Max.LongAddr, Status.InvDstAdr, 'esme_addr'),
  }),
  size: (b) =>
    cstrSize(b.sourceAddr, Max.LongAddr, Status.InvSrcAdr, 'source_addr') +
    cstrSize(b.esmeAddr, Max.LongAddr, Status.InvDstAdr, 'esme_addr') +
    4,
  write: (w, b) => {
    w.u8(b.sourceAddrTon)
    w.u8(b.sourceAddrNpi)
    w.cstr(b.sourceAddr)
    w.u8(b.esmeAddrTon)
    w.u8(b.esmeAddrNpi)
    w.cstr(b.esmeAddr)
  },
}

const empty: Layout = { name: 'empty', tlvs: false, decode: () => ({}), size: () => 0, write: () => {} }

const as = <B extends object>(name: string, l: Layout<B>): Layout => ({ ...(l as unknown as Layout), name })

/** Layout and spec name of every command this codec knows, by command_id. */
export const layouts = new Map<number, Layout>([
  [CommandId.GenericNack, as('generic_nack', empty)],
  [CommandId.BindReceiver, as('bind_receiver', bind)],
  [CommandId.BindReceiverResp, as('bind_receiver_resp', bindResp)],
  [CommandId.BindTransmitter, as('bind_transmitter', bind)],
  [CommandId.BindTransmitterResp, as('bind_transmitter_resp', bindResp)],
  [CommandId.QuerySm, as('query_sm', querySm)],
  [CommandId.QuerySmResp, as('query_sm_resp', querySmResp)],
  [CommandId.SubmitSm, as('submit_sm', submitSm)],
  [CommandId.SubmitSmResp, as('submit_sm_resp', messageIdResp)],
  [CommandId.DeliverSm, as('deliver_sm', submitSm)],
  [CommandId.DeliverSmResp, as('deliver_sm_resp', messageIdResp)],
  [CommandId.Unbind, as('unbind', empty)],
  [CommandId.UnbindResp, as('unbind_resp', empty)],
  [CommandId.ReplaceSm, as('replace_sm', replaceSm)],
  [CommandId.ReplaceSmResp, as('replace_sm_resp', empty)],
  [CommandId.CancelSm, as('cancel_sm', cancelSm)],
  [CommandId.CancelSmResp, as('cancel_sm_resp', empty)],
  [CommandId.BindTransceiver, as('bind_transceiver', bind)],
  [CommandId.BindTransceiverResp, as('bind_transceiver_resp', bindResp)],
  [CommandId.Outbind, as('outbind', outbind)],
  [CommandId.EnquireLink, as('enquire_link', empty)],
  [CommandId.EnquireLinkResp, as('enquire_link_resp', empty)],
  [CommandId.SubmitMulti, as('submit_multi', submitMulti)],
  [CommandId.SubmitMultiResp, as('submit_multi_resp', submitMultiResp)],
  [CommandId.AlertNotification, as('alert_notification', alertNotification)],
  [CommandId.DataSm, as('data_sm', dataSm)],
  [CommandId.DataSmResp, as('data_sm_resp', messageIdResp)],
])
