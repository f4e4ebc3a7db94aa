import { pendingItem, preClaim, receiverFor, sendNudge } from './deliver'
import type { Deps } from './deps'
import { receiptOf, usageRowOf } from './final-effects'
import { GuardKey } from './ids'
import { FinalStates, type MessageRecord, type MessageStateName } from './model'
import { allowedFrom, receiptWanted } from './receipts'
import { settle } from './settle'

type Patch = Partial<Pick<MessageRecord, 'doneAt' | 'errorCode'>>

/**
 * A carrier's receipt moves the message to `to` and writes that state's effects in ONE commit (issue 13 item 9,
 * docs/PIPELINE.md "The effects of a state"): the state move is the once-only guard, with the usage row of a final
 * state and the stored receipt (pending item) the client asked for beside it. A run that dies after the commit
 * leaves the state moved with its effects, so the redelivered receipt finds nothing to write; one that dies before
 * leaves nothing, and the redelivery writes it all: exactly once, with no USAGE#/RECEIPT# guard lease or confirm.
 *
 * What the commit cannot hold is done after it, as before, each exactly or at least once on its own: the refund
 * (the ledger's own guard), the nudge to a node (a lost one only delays the delivery to the next bind), and for an
 * account with a webhook the receipt (guarded, at least once towards the webhook queue; the event id is stable, so
 * the receiver dedupes: docs/API.md "Webhooks"). `settledOnce` on the record tells ./settle.ts what is left.
 * Returns the moved record, or undefined when the state was not moved (a duplicate or out of order receipt).
 */
export async function moveAndSettle(
  deps: Deps,
  record: MessageRecord,
  to: MessageStateName,
  patch: Patch,
  networkErrorCode?: string,
): Promise<MessageRecord | undefined> {
  const wanted = receiptWanted(record.registeredDelivery, to)
  const key = GuardKey.receipt(record.messageId, to) // the pending item's delivery id, as the guarded path names it
  // Issue 12: the receiver is chosen before the commit, and the receipt stored claimed for its node process, which
  // then sends it with no claim request of its own. The registry is read beside the account, not after it (one
  // round trip less before the commit; wasted only for an account with a webhook). A registry read that fails
  // leaves it unclaimed and un-nudged, for the next bind or re-drain, and is logged as a failed nudge always was.
  const receiver = wanted
    ? receiverFor(deps, record.accountId, key).catch((err) => {
        deps.log.warn('nudge failed; delivery stays pending', { accountId: record.accountId, messageId: record.messageId, err })
        return undefined
      })
    : undefined
  const account = await deps.stores.accounts.get(record.accountId)
  const receiptLeft = wanted && account?.webhookUrl !== undefined && account.webhookUrl !== ''
  const settledOnce = { state: to, ...(receiptLeft ? { receiptLeft: true } : {}) }
  const next: MessageRecord = { ...record, ...patch, state: to, settledOnce }
  if (FinalStates.has(to)) delete next.dueAt
  const deliver = wanted && !receiptLeft ? receiptOf(next, deps.now(), networkErrorCode) : undefined
  const target = deliver ? await receiver : undefined
  const claim = preClaim(deps, target)
  const [result] = await deps.stores.effects.commit([
    {
      once: { kind: 'state', messageId: record.messageId, from: allowedFrom(to), to, patch: { ...patch, settledOnce } },
      ...(deliver ? { pending: { ...pendingItem(deps, record.accountId, account, key, deliver), ...(claim ? { claim } : {}) } } : {}),
      ...(FinalStates.has(to) ? { usage: usageRowOf(next) } : {}),
    },
  ])
  if (result.outcome === 'already') return undefined
  if (deliver && result.pendingSk && target) {
    const claimed = claim ? { claimedBy: claim.by, claimedUntil: claim.untilMs } : {}
    await sendNudge(deps, target, { type: 'deliver', accountId: record.accountId, pendingSk: result.pendingSk, deliver, ...claimed })
  }
  await settle(deps, next, networkErrorCode) // the refund, and a webhook's receipt: all that is left
  return next
}
