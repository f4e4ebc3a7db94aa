import { createHash } from 'node:crypto'
import { MetricNames } from '../observability/names'
import { EsmClass } from '../smpp/esm-class'
import { deliverToAccount, nudge, pendingItem } from './deliver'
import type { Deps } from './deps'
import { addHours, epochSec, GuardKey } from './ids'
import type { UpstreamEvent } from './jobs'
import { moTarget } from './mo-routing'
import { type DeliverPayload, FinalStates, type MessageRecord } from './model'
import { targetState, tonNpiOf } from './receipts'
import { guarded, settle } from './settle'
import { moveAndSettle } from './settle-once'

type ReceiptEvent = Extract<UpstreamEvent, { type: 'receipt' }>
type MoEvent = Extract<UpstreamEvent, { type: 'mo' }>

/** What the upstreams report: receipts for our messages, and MO messages to numbers the accounts own. */
export async function handleUpstreamEvent(deps: Deps, event: UpstreamEvent): Promise<void> {
  if (event.type === 'receipt') return onReceipt(deps, event)
  return onMo(deps, event)
}

/** A receipt for no message we know is an error: retried, then kept in the DLQ for an operator. */
export class UnknownMessage extends Error {}

/**
 * A receipt can overtake dispatch's ENROUTE write (the carrier answers within ms of the send): the record is read
 * again a few times, briefly, before the receipt fails to SQS, whose retry comes a visibility timeout later (40 to
 * 60 s of receipt latency for the ESME). Seen in the bench after the DLR's commit got faster (docs/PERFORMANCE.md).
 * The first pauses are short because the write is usually tens of ms behind: a receipt waits at most about twice
 * the write's lag, not the next 100 ms step (one consistent read each, only for a receipt that overtook).
 */
export const UpstreamRereadMs = [25, 50, 100, 200, 400] as const

async function onReceipt(deps: Deps, ev: ReceiptEvent): Promise<void> {
  let record = await find(deps, ev)
  for (const ms of UpstreamRereadMs) {
    if (!record || record.upstreamId !== undefined) break
    await deps.sleep(ms)
    record = await deps.stores.messages.get(record.messageId)
  }
  if (!record) throw new UnknownMessage(`receipt from ${ev.upstreamId} for an unknown message ${ev.messageId ?? ev.upstreamMessageId}`)
  if (!fromItsUpstream(deps, record, ev)) return
  const to = targetState(ev.stat)
  const patch = FinalStates.has(to) ? { doneAt: ev.doneAt, errorCode: ev.err } : {}
  // The state move with its usage row and stored receipt in one commit (./settle-once.ts), then the refund.
  const moved = await moveAndSettle(deps, record, to, patch, ev.networkErrorCode)
  // Not moved: a duplicate (already in that state: finish what its first run may have left, ./settle.ts) or out of
  // order (another state: nothing to do).
  const current = moved ?? (await deps.stores.messages.get(record.messageId))
  if (current?.state !== to) {
    deps.log.info('receipt ignored: out of order', { messageId: record.messageId, stat: ev.stat, state: current?.state })
    return
  }
  // Only the first time the state moves: a redelivered receipt would count the same latency twice.
  if (moved) deps.metrics?.millis(MetricNames.ReceiptLatency, deps.now().getTime() - Date.parse(current.createdAt))
  else await settle(deps, current, ev.networkErrorCode)
}

/**
 * Issue 13, item 4 (docs/DESIGN.md rule 6): a carrier settles only messages dispatched to it. A receipt naming
 * another upstream's message is dropped with a warning (retrying cannot make it true). A message whose
 * upstream is not recorded yet (the carrier answered faster than dispatch wrote its id) is retried.
 */
export class UpstreamNotRecorded extends Error {}

function fromItsUpstream(deps: Deps, record: MessageRecord, ev: ReceiptEvent): boolean {
  if (record.upstreamId === undefined) {
    throw new UpstreamNotRecorded(`receipt from ${ev.upstreamId} for ${record.messageId}, which has no upstream yet`)
  }
  if (record.upstreamId === ev.upstreamId) return true
  deps.log.warn('receipt from an upstream the message was not dispatched to dropped', {
    messageId: record.messageId,
    from: ev.upstreamId,
    dispatchedTo: record.upstreamId,
  })
  return false
}

function find(deps: Deps, ev: ReceiptEvent): Promise<MessageRecord | undefined> {
  if (ev.messageId) return deps.stores.messages.get(ev.messageId)
  if (ev.upstreamMessageId) return deps.stores.messages.byUpstreamId(ev.upstreamId, ev.upstreamMessageId)
  return Promise.resolve(undefined)
}

/**
 * MO: to the account owning the destination number, as deliver_sm (message type 0, UDH and SAR kept), once per
 * event. A number nobody owns, or one its upstream does not serve (mo-routing.ts), is logged and dropped: it is
 * not a failure of ours, and retrying cannot fix it.
 */
async function onMo(deps: Deps, ev: MoEvent): Promise<void> {
  const target = await moTarget(deps.stores, ev.upstreamId, ev.destinationAddr)
  if ('refused' in target) {
    const why = target.refused === 'unknown-number' ? 'a number no account owns' : 'a number its upstream does not serve'
    deps.log.warn(`MO to ${why} dropped`, { upstreamId: ev.upstreamId, destinationAddr: ev.destinationAddr })
    return
  }
  const { accountId } = target
  // esm_class and SAR are part of the identity: two parts of a long MO may carry the same octets.
  const fingerprint = createHash('sha256')
    .update([ev.upstreamId, ev.sourceAddr, ev.destinationAddr, ev.receivedAt, ev.shortMessage, ...partKey(ev)].join('\n'))
    .digest('hex')
  const key = GuardKey.mo(fingerprint)
  const from = tonNpiOf(ev.sourceAddr)
  const to = tonNpiOf(ev.destinationAddr)
  await deliverMoOnce(deps, accountId, key, {
    kind: 'mo',
    sourceAddr: ev.sourceAddr,
    sourceAddrTon: from.ton,
    sourceAddrNpi: from.npi,
    destinationAddr: ev.destinationAddr,
    destAddrTon: to.ton,
    destAddrNpi: to.npi,
    esmClass: moEsmClass(ev.esmClass),
    dataCoding: ev.dataCoding,
    shortMessage: ev.shortMessage,
    ...(ev.sar ? { sar: ev.sar } : {}),
  })
}

/**
 * The MO stored with its guard written done in one commit (issue 13 item 9): exactly once, where a lease, the
 * pending write and a confirm repeated the MO when a run died before the confirm. An account with a webhook keeps
 * the guarded path: at least once towards the webhook queue, deduped by the receiver on the stable event id.
 */
async function deliverMoOnce(deps: Deps, accountId: string, key: string, deliver: DeliverPayload): Promise<void> {
  const account = await deps.stores.accounts.get(accountId)
  if (account?.webhookUrl) {
    await guarded(deps, key, () => deliverToAccount(deps, accountId, key, deliver))
    return
  }
  const expiresAt = epochSec(addHours(deps.now(), deps.cfg.retentionDays * 24))
  const [result] = await deps.stores.effects.commit([
    { once: { kind: 'guard', key, expiresAt }, pending: pendingItem(deps, accountId, account, key, deliver) },
  ])
  if (result.outcome === 'done' && result.pendingSk) await nudge(deps, accountId, result.pendingSk, deliver)
}

// Only when present, so a plain MO keeps the guard key it had before esm_class and SAR travelled.
const partKey = (ev: MoEvent): string[] => [
  ...(ev.esmClass ? [`esm:${ev.esmClass}`] : []),
  ...(ev.sar ? [`sar:${ev.sar.ref}/${ev.sar.total}/${ev.sar.seq}`] : []),
]

/**
 * The MO's esm_class towards the ESME: message type 0, a short message and not a receipt (SMPP 3.4 5.2.12), with the
 * carrier's GSM network bits kept: UDHI, so a concatenated part or a port-addressed (WAP Push) MO keeps its header,
 * and reply path.
 */
const moEsmClass = (carrier = 0): number => carrier & (EsmClass.UdhIndicator | EsmClass.ReplyPath)
