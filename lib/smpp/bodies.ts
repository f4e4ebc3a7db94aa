/**
 * Mandatory-parameter layouts of every SMPP 3.4 PDU (chapter 4). The node's per-message PDUs (submit_sm,
 * deliver_sm, their responses, submit_multi) are hand-written: object literals built in one expression keep
 * one hidden class per PDU type. The rest are declared once as field lists (layout.ts, fieldLayout).
 */

import { cstr, fieldLayout, type Layout, Max, sm, smLength, u8 } from './layout'
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
import { cstrSize, PduError, type Reader } from './wire'

const bind = fieldLayout<BindBody>('bind', [
  cstr('systemId', 'system_id', Max.SystemId, Status.InvSysId),
  cstr('password', 'password', Max.Password, Status.InvPaswd),
  cstr('systemType', 'system_type', Max.SystemType, Status.InvSysTyp),
  u8('interfaceVersion', 'interface_version'),
  u8('addrTon', 'addr_ton'),
  u8('addrNpi', 'addr_npi'),
  cstr('addressRange', 'address_range', Max.AddressRange, Status.InvMsgLen),
])

const bindResp = fieldLayout<BindRespBody>('bind_resp', [cstr('systemId', 'system_id', Max.SystemId, Status.InvSysId)], {
  presence: 'systemId',
})

const outbind = fieldLayout<OutbindBody>('outbind', [
  cstr('systemId', 'system_id', Max.SystemId, Status.InvSysId),
  cstr('password', 'password', Max.Password, Status.InvPaswd),
])

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

const dataSm = fieldLayout<DataSm>('data_sm', [
  cstr('serviceType', 'service_type', Max.ServiceType, Status.InvSerTyp),
  u8('sourceAddrTon', 'source_addr_ton'),
  u8('sourceAddrNpi', 'source_addr_npi'),
  cstr('sourceAddr', 'source_addr', Max.LongAddr, Status.InvSrcAdr),
  u8('destAddrTon', 'dest_addr_ton'),
  u8('destAddrNpi', 'dest_addr_npi'),
  cstr('destinationAddr', 'destination_addr', Max.LongAddr, Status.InvDstAdr),
  u8('esmClass', 'esm_class'),
  u8('registeredDelivery', 'registered_delivery'),
  u8('dataCoding', 'data_coding'),
])

const querySm = fieldLayout<QuerySm>('query_sm', [
  cstr('messageId', 'message_id', Max.MessageId, Status.InvMsgId),
  u8('sourceAddrTon', 'source_addr_ton'),
  u8('sourceAddrNpi', 'source_addr_npi'),
  cstr('sourceAddr', 'source_addr', Max.Addr, Status.InvSrcAdr),
])

const querySmResp = fieldLayout<QuerySmResp>(
  'query_sm_resp',
  [
    cstr('messageId', 'message_id', Max.MessageId, Status.InvMsgId),
    cstr('finalDate', 'final_date', Max.Time, Status.InvMsgLen),
    u8('messageState', 'message_state'),
    u8('errorCode', 'error_code'),
  ],
  { presence: 'messageId', shadowed: 'messageState' },
)

const cancelSm = fieldLayout<CancelSm>('cancel_sm', [
  cstr('serviceType', 'service_type', Max.ServiceType, Status.InvSerTyp),
  cstr('messageId', 'message_id', Max.MessageId, Status.InvMsgId),
  u8('sourceAddrTon', 'source_addr_ton'),
  u8('sourceAddrNpi', 'source_addr_npi'),
  cstr('sourceAddr', 'source_addr', Max.Addr, Status.InvSrcAdr),
  u8('destAddrTon', 'dest_addr_ton'),
  u8('destAddrNpi', 'dest_addr_npi'),
  cstr('destinationAddr', 'destination_addr', Max.Addr, Status.InvDstAdr),
])

const replaceSm = fieldLayout<ReplaceSm>('replace_sm', [
  cstr('messageId', 'message_id', Max.MessageId, Status.InvMsgId),
  u8('sourceAddrTon', 'source_addr_ton'),
  u8('sourceAddrNpi', 'source_addr_npi'),
  cstr('sourceAddr', 'source_addr', Max.Addr, Status.InvSrcAdr),
  cstr('scheduleDeliveryTime', 'schedule_delivery_time', Max.Time, Status.InvSched),
  cstr('validityPeriod', 'validity_period', Max.Time, Status.InvExpiry),
  u8('registeredDelivery', 'registered_delivery'),
  u8('smDefaultMsgId', 'sm_default_msg_id'),
  sm('shortMessage', 'short_message'),
])

const alertNotification = fieldLayout<AlertNotification>('alert_notification', [
  u8('sourceAddrTon', 'source_addr_ton'),
  u8('sourceAddrNpi', 'source_addr_npi'),
  cstr('sourceAddr', 'source_addr', Max.LongAddr, Status.InvSrcAdr),
  u8('esmeAddrTon', 'esme_addr_ton'),
  u8('esmeAddrNpi', 'esme_addr_npi'),
  cstr('esmeAddr', 'esme_addr', Max.LongAddr, Status.InvDstAdr),
])

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
