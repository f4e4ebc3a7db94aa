import type { Connection } from '../session/connection'
import { deliverTo } from './deliver'

const PageSize = 50
const MaxPages = 200 // 10,000 items per bind; the next bind or a later queue message carries on

/**
 * Store and forward: on every receiver or transceiver bind, the account's pending receipts and MO
 * messages go out oldest first, one at a time (deliver_sm, wait for deliver_sm_resp, then remove), so
 * the ESME sees them in order. Each item is claimed first (a conditional write), so another node
 * draining the same account, or a callback message for the same item, never sends it twice. A refused
 * or unanswered deliver_sm stops the drain and the item stays pending for the next bind.
 */
export async function drainPending(conn: Connection): Promise<number> {
  const node = conn.node
  const accountId = conn.accountId!
  const { pending } = node.stores
  let sent = 0
  for (let page = 0; page < MaxPages; page++) {
    const now = node.clock.now()
    const items = await pending.list(accountId, new Date(now), PageSize)
    for (const item of items) {
      if (!conn.canReceive) return sent
      const claimUntil = node.clock.now() + node.settings.smpp.responseTimeoutMs + 5_000
      if (!(await pending.claim(accountId, item.sk, node.settings.nodeId, claimUntil))) continue
      if (!(await deliverTo(conn, item.deliver))) {
        await pending.unclaim(accountId, item.sk)
        return sent
      }
      await pending.remove(accountId, item.sk)
      sent++
    }
    if (items.length < PageSize) break
  }
  return sent
}

const draining = new WeakSet<Connection>()

/**
 * Issue 13, item 9: a stored receipt was retried only at a new bind, so a session that stayed bound never
 * got one whose notification was lost or given up. The node's heartbeat calls this for every bound
 * receiver; a drain already running on the session (its bind's, or the last beat's) is left to finish.
 */
export async function redrainPending(conn: Connection): Promise<number> {
  if (draining.has(conn) || !conn.canReceive) return 0
  draining.add(conn)
  try {
    return await drainPending(conn)
  } finally {
    draining.delete(conn)
  }
}
