import type { Session } from '../session/session'
import { claimAndSend, type DeliveryDeps } from './delivery'

const PageSize = 50
const MaxPages = 200 // 10,000 items per bind; the next bind or a later queue message carries on

/**
 * Store and forward: on every receiver or transceiver bind, the account's pending receipts and MO
 * messages go out oldest first, one at a time (claimAndSend: deliver_sm, wait for deliver_sm_resp, then
 * remove), so the ESME sees them in order. A refused or unanswered deliver_sm stops the drain and the
 * item stays pending for the next bind.
 */
export async function drainPending(
  deps: DeliveryDeps,
  session: Pick<Session, 'request' | 'canReceive'>,
  accountId: string,
): Promise<number> {
  let sent = 0
  for (let page = 0; page < MaxPages; page++) {
    const items = await deps.pending.list(accountId, new Date(deps.clock.now()), PageSize, await deps.deadClaimants?.())
    for (const item of items) {
      if (!session.canReceive) return sent
      const r = await claimAndSend(deps, session, { accountId, sk: item.sk, deliver: item.deliver })
      if (r === 'failed') return sent
      if (r === 'sent') sent++
    }
    if (items.length < PageSize) break
  }
  return sent
}

const draining = new WeakSet<object>()

/**
 * Issue 13, item 9: a stored receipt was retried only at a new bind, so a session that stayed bound never
 * got one whose notification was lost or given up. The node's heartbeat calls this for every bound
 * receiver; a drain already running on the session (its bind's, or the last beat's) is left to finish.
 */
export async function redrainPending(
  deps: DeliveryDeps,
  session: Pick<Session, 'request' | 'canReceive'>,
  accountId: string,
): Promise<number> {
  if (draining.has(session) || !session.canReceive) return 0
  draining.add(session)
  try {
    return await drainPending(deps, session, accountId)
  } finally {
    draining.delete(session)
  }
}
