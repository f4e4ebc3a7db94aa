import type { DeliverPayload } from '../../lib/domain/model'
import type { Stores } from '../../lib/ports'
import { CommandId, type DeliverSm } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import type { Clock } from '../session/clock'
import type { Session } from '../session/session'

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
    // A part of a long MO that came with SAR TLVs goes on with them (5.3.2.22-24).
    ...(p.sar ? { sarMsgRefNum: p.sar.ref, sarTotalSegments: p.sar.total, sarSegmentSeqnum: p.sar.seq } : {}),
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
 * A claim holds for the deliver_sm response timeout and this margin, so a crashed node's claim lapses. A process known
 * dead loses its claims at once (deadClaimants); the lapse is for a node that stalls without being known dead.
 */
export const ClaimMarginMs = 5_000

export interface DeliveryDeps {
  pending: Stores['pending']
  clock: Clock
  metrics: { count(name: string): void }
  nodeId: string
  /** How long a claim holds: the deliver_sm response timeout and a margin, so a crashed node's claim lapses. */
  claimMs: number
  /** Issue 18: node processes known dead (a registry read at most one beat old); a claim one of them holds is taken over at once. */
  deadClaimants?: () => Promise<readonly string[]>
  /** Issue 18: the removals of one read sent together (./pending-removals.ts); each item's own DeleteItem without it. */
  removals?: { remove(accountId: string, sk: string): Promise<void> }
}

/** A receiver or transceiver session, as delivery sees it. */
export type Receiver = Pick<Session, 'request'>

/**
 * The one claim-and-send, for the callback consumer and the pending drain alike: claim the pending item
 * (a conditional write, so another node or a bind's drain never sends it twice; or the claim it was stored
 * with for this process, see `holds`), send one deliver_sm and
 * wait for its resp, then remove the item; a refused or unanswered deliver_sm releases the claim, and
 * the item stays pending. 'taken': someone else holds or already sent it.
 */
export async function claimAndSend(
  deps: DeliveryDeps,
  to: Receiver,
  item: { accountId: string; sk: string; deliver: DeliverPayload; claimedUntil?: number },
): Promise<'sent' | 'taken' | 'failed'> {
  const { pending } = deps
  if (!(await holds(deps, item))) return 'taken'
  if (await deliverTo(deps, to, item.deliver)) {
    // Nothing may come between the resp and this removal going on the wire: a node killed in that gap sends the
    // receipt again after its restart although the ESME had it (docs/PIPELINE.md "Receipts after a node crash").
    await (deps.removals ?? pending).remove(item.accountId, item.sk)
    return 'sent'
  }
  await pending.unclaim(item.accountId, item.sk)
  return 'failed'
}

/**
 * Issue 12: an item the DLR function stored claimed for this process (`claimedUntil`, given only when the nudge
 * names this process) is held with no request while a whole claim's time is left. With less left (a nudge late
 * by most of PreClaimMs) it is claimed as any other item, which fails while the stored claim holds: it is not
 * renewed, because this process's own claim is never free to itself (a drain here may hold it since it lapsed),
 * so the item goes out by the re-drain once the claim lapses.
 */
async function holds(deps: DeliveryDeps, item: { accountId: string; sk: string; claimedUntil?: number }): Promise<boolean> {
  const now = deps.clock.now()
  if (item.claimedUntil !== undefined && item.claimedUntil - now >= deps.claimMs) return true
  return deps.pending.claim(item.accountId, item.sk, deps.nodeId, now + deps.claimMs, await deps.deadClaimants?.())
}

/**
 * Sends one deliver_sm and waits for its resp. True only for status 0: anything else (an error status,
 * generic_nack, the connection closing or the response timeout) leaves the item to be delivered again.
 */
async function deliverTo(deps: Pick<DeliveryDeps, 'metrics'>, to: Receiver, payload: DeliverPayload): Promise<boolean> {
  try {
    const resp = await to.request(CommandId.DeliverSm, deliverSmBody(payload))
    const ok = resp.commandId === CommandId.DeliverSmResp && resp.status === Status.Ok
    deps.metrics.count(ok ? 'deliveries' : 'deliveriesFailed')
    return ok
  } catch {
    deps.metrics.count('deliveriesFailed')
    return false
  }
}
