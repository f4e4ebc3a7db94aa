import { gsmCharSeptets, gsmEncode } from '../encoding/gsm7'
import { EsmClass } from '../smpp/esm-class'
import { formatReceipt, MessageState, stateOf, statOf } from '../smpp/receipt'
import { clientIdOf } from './message-id-format'
import { type Account, type DeliverPayload, FinalStates, type MessageRecord, type MessageStateName } from './model'

// SMPP 3.4 5.2.28 message_state, by the names the message records use.
// SCHEDULED first: 3.4 has no such state, so it answers ENROUTE, and ENROUTE's own entry wins the reverse map.
const stateByName: Record<MessageStateName, number> = {
  SCHEDULED: MessageState.Enroute,
  ENROUTE: MessageState.Enroute,
  DELIVERED: MessageState.Delivered,
  EXPIRED: MessageState.Expired,
  DELETED: MessageState.Deleted,
  UNDELIVERABLE: MessageState.Undeliverable,
  ACCEPTED: MessageState.Accepted,
  UNKNOWN: MessageState.Unknown,
  REJECTED: MessageState.Rejected,
}
const nameByState = new Map(Object.entries(stateByName).map(([name, n]) => [n, name as MessageStateName]))

export const messageStateOf = (name: MessageStateName): number => stateByName[name]

/**
 * The state an upstream's receipt stat moves a message to. A carrier's ACCEPTD means it holds the
 * message, not that it reached the handset, so it counts as ENROUTE (our ACCEPTED means "charged,
 * not yet handed to a carrier"). Unreadable stats are UNKNOWN, a final state.
 */
export function targetState(stat: string): MessageStateName {
  const name = nameByState.get(stateOf(stat)) ?? 'UNKNOWN'
  return name === 'ACCEPTED' ? 'ENROUTE' : name
}

/**
 * The state machine: ACCEPTED -> ENROUTE -> a final state, or ACCEPTED -> a final state directly; a scheduled
 * message starts SCHEDULED, becomes ACCEPTED at its time (lib/domain/due.ts), or final (cancel_sm, expiry).
 * A final state is never left, and ENROUTE never follows a final state, so duplicate and
 * out-of-order receipts fail the conditional update and change nothing.
 */
export function allowedFrom(to: MessageStateName): readonly MessageStateName[] {
  if (FinalStates.has(to)) return ['SCHEDULED', 'ACCEPTED', 'ENROUTE']
  if (to === 'ENROUTE') return ['ACCEPTED']
  return []
}

/** cancel_sm (section 4.9) acts only on a message no carrier has finished with: the states DELETED may follow. */
export const CancellableStates: readonly MessageStateName[] = allowedFrom('DELETED')

export const isFailure = (state: MessageStateName): boolean => FinalStates.has(state) && state !== 'DELIVERED'

/**
 * Refund rule: an account with refundOnFailure gets its money back when the message could not be
 * delivered (UNDELIVERABLE), the carrier refused it (REJECTED) or its validity ran out (EXPIRED: the
 * failure policy, issue 14). A cancel_sm (DELETED) of a message no carrier was handed is refunded
 * whatever the flag: nothing was spent on it. DELETED after a carrier took it, and UNKNOWN, stay charged.
 */
export const refundDue = (
  account: Pick<Account, 'refundOnFailure'>,
  state: MessageStateName,
  record?: Pick<MessageRecord, 'upstreamId'>,
): boolean =>
  (state === 'DELETED' && record !== undefined && !record.upstreamId) ||
  (account.refundOnFailure && (state === 'UNDELIVERABLE' || state === 'REJECTED' || state === 'EXPIRED'))

/** registered_delivery (SMPP 3.4 5.2.17). */
export const RegisteredDelivery = {
  ReceiptMask: 0x03, // bits 1-0: SMSC delivery receipt
  NoReceipt: 0x00, // no SMSC delivery receipt requested
  Final: 0x01, // receipt on success or failure
  FailureOnly: 0x02, // receipt on failure only
  SuccessOnly: 0x03, // reserved in 3.4; SMPP 5.0 defines it as "on success only", which we follow
  Intermediate: 0x10, // bit 4: intermediate notification requested
} as const

/** Whether the client asked for a deliver_sm about a message now in `state`. */
export function receiptWanted(registeredDelivery: number, state: MessageStateName): boolean {
  if (!FinalStates.has(state)) return state === 'ENROUTE' && (registeredDelivery & RegisteredDelivery.Intermediate) !== 0
  switch (registeredDelivery & RegisteredDelivery.ReceiptMask) {
    case RegisteredDelivery.Final:
      return true
    case RegisteredDelivery.FailureOnly:
      return isFailure(state)
    case RegisteredDelivery.SuccessOnly:
      return state === 'DELIVERED'
    default:
      return false
  }
}

export interface ReceiptInput {
  messageId: string // the id the client got in the submit response
  /** The original submit's addresses; the receipt goes the other way. */
  sourceAddr: string
  destinationAddr: string
  submitDate: Date
  doneDate: Date
  state: MessageStateName
  err: number
  text: string
  networkErrorCode?: string
}

/** TON/NPI for an address we kept as a string: digits are international ISDN, anything else alphanumeric. */
export const tonNpiOf = (addr: string): { ton: number; npi: number } => (/^\+?\d+$/.test(addr) ? { ton: 1, npi: 1 } : { ton: 5, npi: 0 })

/** err: as hex digits, at least 3, so a platform code reads as in the status table (0x0446 -> 446). */
export const receiptErr = (err: number): string => err.toString(16).toUpperCase().padStart(3, '0')

/** network_error_code TLV (SMPP 3.4 5.3.2.31): network type 3 (GSM), then the 2-octet error code. */
export const networkErrorCodeOf = (err: number): string => `03${(err & 0xffff).toString(16).padStart(4, '0')}`

// Receipt text goes out as data_coding 0 (GSM 03.38 unpacked); a character the alphabet lacks becomes '?'.
const gsmSafe = (text: string) => Array.from(text, (ch) => (gsmCharSeptets(ch) === null ? '?' : ch)).join('')

/**
 * The deliver_sm of a delivery receipt (SMPP 3.4 5.2.12 esm_class 0x04, Appendix B text), with the
 * receipted_message_id, message_state and network_error_code TLVs (5.3.2.12, 5.3.2.35, 5.3.2.31).
 */
export function receiptDeliver(r: ReceiptInput): DeliverPayload {
  const id = clientIdOf(r.messageId) // the id submit_sm_resp gave, in the account's format (issue 17)
  const delivered = r.state === 'DELIVERED'
  const text = formatReceipt({
    id,
    sub: 1,
    dlvrd: delivered ? 1 : 0,
    submitDate: r.submitDate,
    doneDate: r.doneDate,
    stat: statOf(stateByName[r.state]),
    err: receiptErr(r.err),
    text: r.text,
  })
  const from = tonNpiOf(r.destinationAddr)
  const to = tonNpiOf(r.sourceAddr)
  return {
    kind: 'receipt',
    sourceAddr: r.destinationAddr,
    sourceAddrTon: from.ton,
    sourceAddrNpi: from.npi,
    destinationAddr: r.sourceAddr,
    destAddrTon: to.ton,
    destAddrNpi: to.npi,
    esmClass: EsmClass.DeliveryReceipt,
    dataCoding: 0,
    shortMessage: (gsmEncode(gsmSafe(text)) ?? Buffer.alloc(0)).toString('base64'),
    receiptedMessageId: id,
    messageState: stateByName[r.state],
    networkErrorCode: r.networkErrorCode ?? networkErrorCodeOf(r.err),
  }
}
