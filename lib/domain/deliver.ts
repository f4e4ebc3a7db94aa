import { createHash } from 'node:crypto'
import { storedUntil } from './deferral'
import type { Deps } from './deps'
import { epochSec } from './ids'
import type { DeliverMessage } from './jobs'
import type { Account, DeliverPayload, PendingDelivery, SessionEntry } from './model'
import { canReceive } from './sessions'
import { deliverToWebhook } from './webhook-event'

/**
 * Store and forward (docs/DESIGN.md rule 3): a receipt or MO is first stored as a pending item, then one
 * node holding a receiver session of the account is nudged through its callback queue. The item is
 * the truth: if no node holds a receiver bind, or the nudge is lost with its node, the next bind
 * drains the pending table. `deliveryId` is derived from the event, so the item's identity is stable.
 * Returns the pending item's key, or for an account with a webhook the event id ('' for a part of a long MO that
 * waits for the others).
 */
export async function deliverToAccount(deps: Deps, accountId: string, deliveryId: string, deliver: DeliverPayload): Promise<string> {
  const account = await deps.stores.accounts.get(accountId)
  // An account with a webhook URL gets its receipts and MO there instead (docs/API.md "Webhooks").
  if (account?.webhookUrl) return (await deliverToWebhook(deps, accountId, deliveryId, deliver)) ?? ''
  const sk = await deps.stores.pending.add(pendingItem(deps, accountId, account, deliveryId, deliver))
  await nudge(deps, accountId, sk, deliver)
  return sk
}

/** The pending item of a delivery, kept for the account's own validity (issue 14, ./deferral.ts storedUntil). */
export function pendingItem(
  deps: Deps,
  accountId: string,
  account: Account | undefined,
  deliveryId: string,
  deliver: DeliverPayload,
): PendingDelivery {
  const now = deps.now()
  return {
    accountId,
    deliveryId,
    createdAt: now.toISOString(),
    validUntil: storedUntil(account, now, deps.cfg.pendingValidityHours).toISOString(),
    deliver,
  }
}

/** Tells one node holding a receiver session that a stored delivery waits; the item, not this, is the truth. */
export async function nudge(deps: Deps, accountId: string, pendingSk: string, deliver: DeliverPayload): Promise<void> {
  try {
    const target = await receiverFor(deps, accountId, pendingSk)
    if (target) await sendNudge(deps, target, { type: 'deliver', accountId, pendingSk, deliver })
  } catch (err) {
    // The item is stored: a failed nudge delays the delivery until the next bind, it loses nothing.
    deps.log.warn('nudge failed; delivery stays pending', { accountId, pendingSk, err })
  }
}

/** The receiver session a delivery goes to (spread by `key` over the account's), or none: it stays pending. */
export async function receiverFor(deps: Deps, accountId: string, key: string): Promise<SessionEntry | undefined> {
  const receivers = (await deps.stores.sessions.list(accountId, epochSec(deps.now())))
    .filter((s) => canReceive(s.bindType))
    .sort((a, b) => `${a.nodeId}#${a.sessionId}`.localeCompare(`${b.nodeId}#${b.sessionId}`))
  return receivers.length === 0 ? undefined : receivers[spread(key, receivers.length)]
}

/**
 * How long a delivery stored claimed for its node stays so (issue 12): time for the nudge to reach the node and
 * for one deliver_sm and its response. The node takes the claim as its own only while a whole claim of its own is
 * left (the deliver_sm response timeout, 60 s by default, + 5 s: smpp-node/bridge/delivery.ts), so the nudge has
 * 55 s to arrive; a claim nobody used lapses, as a crashed node's does (a lost nudge, the rare case: the session
 * gone or the node dead give it back at once).
 */
export const PreClaimMs = 120_000

/** The claim a delivery is stored with for `target`'s node process, if the registry names it. */
export const preClaim = (deps: Deps, target: SessionEntry | undefined): PendingDelivery['claim'] =>
  target?.incarnation ? { by: target.incarnation, untilMs: deps.now().getTime() + PreClaimMs } : undefined

/** The nudge, with the claim its item was stored with. A failure is logged: the item waits for the next bind. */
export async function sendNudge(deps: Deps, target: SessionEntry, message: DeliverMessage): Promise<void> {
  await deps.queues.send(target.callbackQueueUrl, message).catch((err) => {
    deps.log.warn('nudge failed; delivery stays pending', { accountId: message.accountId, pendingSk: message.pendingSk, err })
  })
}

/** Deterministic choice among the receiver sessions, so deliveries spread over nodes and sessions. */
const spread = (key: string, n: number): number => createHash('sha256').update(key).digest().readUInt32BE(0) % n
