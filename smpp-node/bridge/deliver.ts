import type { DeliverPayload } from '../../lib/domain/model'
import { CommandId, type DeliverSm } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import type { Connection } from '../session/connection'

// short_message holds at most 254 octets (section 4.6.1); longer content travels in message_payload.
const MaxShortMessage = 254

/**
 * The deliver_sm for a receipt (esm_class 0x04 with receipted_message_id, message_state and
 * network_error_code, section 4.6.1 and 5.3.2) or an MO message (esm_class as given, 0 for plain MO).
 */
export function deliverSmBody(p: DeliverPayload): DeliverSm {
  const content = Buffer.from(p.shortMessage, 'base64')
  const long = content.length > MaxShortMessage
  return {
    serviceType: '',
    sourceAddrTon: p.sourceAddrTon,
    sourceAddrNpi: p.sourceAddrNpi,
    sourceAddr: p.sourceAddr,
    destAddrTon: p.destAddrTon,
    destAddrNpi: p.destAddrNpi,
    destinationAddr: p.destinationAddr,
    esmClass: p.esmClass,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    replaceIfPresentFlag: 0,
    dataCoding: p.dataCoding,
    smDefaultMsgId: 0,
    shortMessage: long ? Buffer.alloc(0) : content,
    ...(long ? { messagePayload: content } : {}),
    ...(p.receiptedMessageId !== undefined ? { receiptedMessageId: p.receiptedMessageId } : {}),
    ...(p.messageState !== undefined ? { messageState: p.messageState } : {}),
    ...networkErrorCode(p.networkErrorCode),
  }
}

// network_error_code is exactly 3 octets (section 5.3.2.31): network type, then a 2-octet error code.
const networkErrorCode = (hex: string | undefined): { networkErrorCode?: Buffer } => {
  const b = hex ? Buffer.from(hex, 'hex') : undefined
  return b?.length === 3 ? { networkErrorCode: b } : {}
}

/**
 * Sends one deliver_sm and waits for its resp. True only for status 0: anything else (an error status,
 * generic_nack, the connection closing or the response timeout) leaves the item to be delivered again.
 */
export async function deliverTo(conn: Connection, payload: DeliverPayload): Promise<boolean> {
  const { metrics } = conn.node
  try {
    const resp = await conn.request(CommandId.DeliverSm, deliverSmBody(payload))
    const ok = resp.commandId === CommandId.DeliverSmResp && resp.status === Status.Ok
    metrics.count(ok ? 'deliveries' : 'deliveriesFailed')
    return ok
  } catch {
    metrics.count('deliveriesFailed')
    return false
  }
}
