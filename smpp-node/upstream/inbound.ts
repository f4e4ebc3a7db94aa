import type { UpstreamEvent } from '../../lib/domain/jobs'
import { canonicalUpstreamId, type SmppUpstreamSettings } from '../../lib/domain/upstream-smpp'
import { decodeText } from '../../lib/encoding/data-coding'
import { type DataSm, type DeliverSm, EsmClass } from '../../lib/smpp/pdu'
import { parseReceipt, statOf } from '../../lib/smpp/receipt'

/** A deliver_sm with the receipt bit whose message id cannot be found in its TLVs or text. */
export class UnreadableReceipt extends Error {}

/**
 * What a deliver_sm (or data_sm) from an upstream SMSC means for the platform, as the event the DLR
 * function handles: a receipt for one of our messages, known by the upstream's id, or an MO message.
 * TLVs (receipted_message_id, message_state, network_error_code; 5.3.2.12/.35/.30) win over the text
 * of SMPP 3.4 Appendix B, which real SMSCs write in many variants (parseReceipt reads them).
 */
export function upstreamEventOf(
  // data_sm (4.7.1) has no short_message: its text is in message_payload.
  pdu: DeliverSm | (DataSm & { shortMessage?: undefined }),
  upstreamId: string,
  s: Pick<SmppUpstreamSettings, 'messageIdType'>,
  now: Date,
): UpstreamEvent {
  const type = pdu.esmClass & EsmClass.MessageTypeMask
  const userData = pdu.messagePayload && pdu.messagePayload.length > 0 ? pdu.messagePayload : (pdu.shortMessage ?? Buffer.alloc(0))
  if (type !== EsmClass.DeliveryReceipt && type !== EsmClass.IntermediateNotification) {
    return {
      type: 'mo',
      upstreamId,
      sourceAddr: pdu.sourceAddr,
      destinationAddr: pdu.destinationAddr,
      dataCoding: pdu.dataCoding ?? 0,
      shortMessage: Buffer.from(userData).toString('base64'),
      // A part of a long MO or a port-addressed MO keeps its UDH (esm_class UDHI) or its SAR TLVs on the way to the ESME.
      ...(pdu.esmClass ? { esmClass: pdu.esmClass } : {}),
      ...sarOf(pdu),
      receivedAt: now.toISOString(),
    }
  }
  const text = decodeText(pdu.dataCoding ?? 0, userData) ?? Buffer.from(userData).toString('latin1')
  const parsed = parseReceipt(text)
  const id = pdu.receiptedMessageId || parsed?.id
  const stat = pdu.messageState !== undefined ? statOf(pdu.messageState) : parsed?.stat
  if (!id || !stat)
    throw new UnreadableReceipt(`receipt from ${upstreamId} without a message id or state: ${JSON.stringify(text.slice(0, 120))}`)
  return {
    type: 'receipt',
    upstreamId,
    upstreamMessageId: canonicalUpstreamId(id, 'receipt', s.messageIdType),
    stat,
    err: errOf(parsed?.err),
    doneAt: (parsed?.doneDate ?? now).toISOString(),
    ...(pdu.networkErrorCode ? { networkErrorCode: pdu.networkErrorCode.toString('hex') } : {}),
  }
}

/**
 * The receipt's err: field. Read as hex, the way the platform writes it back (receiptErr), so the
 * digits an upstream wrote reach our client unchanged ("001" stays "001"); 0 when absent or unreadable.
 */
function errOf(err: string | undefined): number {
  const digits = err?.replace(/^0x/i, '')
  return digits && /^[0-9a-f]{1,8}$/i.test(digits) ? Number.parseInt(digits, 16) : 0
}

/** The sar_* TLVs of a part of a long MO (SMPP 3.4 5.3.2.22-24), when all three came. */
function sarOf(pdu: Pick<DeliverSm, 'sarMsgRefNum' | 'sarTotalSegments' | 'sarSegmentSeqnum'>): {
  sar?: { ref: number; total: number; seq: number }
} {
  const { sarMsgRefNum: ref, sarTotalSegments: total, sarSegmentSeqnum: seq } = pdu
  return ref !== undefined && total !== undefined && seq !== undefined ? { sar: { ref, total, seq } } : {}
}
