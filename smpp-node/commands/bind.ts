import { admitBind, bindSucceeded } from '../../lib/domain/bind-limits'
import type { BindType } from '../../lib/domain/model'
import { verifyPassword } from '../../lib/domain/password'
import { sessionLimitReached, sessionsElsewhere } from '../../lib/domain/sessions'
import { bodyOf, CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status, type StatusCode, statusName } from '../../lib/smpp/status'
import { sleep } from '../session/clock'
import type { Session } from '../session/session'
import type { BindServices } from './services'

// Issue 13, item 1: one bind in flight per connection, so binds pipelined in one write cannot race the count.
const inFlight = new WeakSet<Session>()

/**
 * bind_transmitter / bind_receiver / bind_transceiver (SMPP 3.4 section 4.1) against the accounts table.
 *
 * Order matters (docs/SECURITY.md): the attempt is counted per address and per system_id (shared across
 * nodes) before anything else, so binds in flight at once all count and an address over its limit learns
 * nothing; then the password hash, bounded per node (HashPool; an unknown system_id waits as long
 * as a hash takes lately instead of spending one); the allow-list and the enabled flag come
 * after it. An unknown system_id, a wrong password, a disabled account and an address outside the
 * allow-list all answer ESME_RINVPASWD (0x0E) after about the same time, so a guesser cannot tell which
 * system_ids exist (issue 13, item 7). Kannel treats 0x0E as permanent and stops re-binding, which is what a
 * wrong credential deserves; limits, a full hash queue, a full session limit and a draining node answer
 * ESME_RBINDFAIL (0x0D), which clients retry. Failed binds are answered after a short delay.
 */
export const bind =
  (node: BindServices, bindType: BindType) =>
  async (conn: Session, pdu: Pdu): Promise<void> => {
    if (inFlight.has(conn)) {
      node.metrics.count('bindsFailed')
      return conn.reply(pdu, Status.BindFail)
    }
    inFlight.add(conn)
    try {
      await attempt(node, bindType, conn, pdu)
    } finally {
      inFlight.delete(conn)
    }
  }

async function attempt(node: BindServices, bindType: BindType, conn: Session, pdu: Pdu): Promise<void> {
  const { systemId, password } = bodyOf(pdu, CommandId.BindTransmitter, CommandId.BindReceiver, CommandId.BindTransceiver)
  const address = conn.remote.address
  const { gate } = node

  const refuse = async (status: StatusCode, why: string) => {
    node.metrics.count('bindsFailed')
    node.log.warn('bind refused', { conn: conn.id, systemId, address, bindType, status: statusName(status), why })
    await sleep(node.clock, node.failedBindDelayMs)
    conn.reply(pdu, status)
  }

  if (node.isDraining()) return refuse(Status.BindFail, 'node is draining')
  const limits = { strikes: gate.strikes, limits: gate.limits, nowMs: node.clock.now() }
  // The account is read beside the count (one round trip less); it is used only once the count admits.
  const [admission, account] = await Promise.all([admitBind(limits, systemId, address), node.accounts.get(systemId)])
  if (!admission.admitted) return refuse(Status.BindFail, admission.why)
  if (account === undefined) {
    // Answered as late as a real check, without spending one: a flood of made-up system_ids must not fill
    // the hash pool that real binds wait in.
    await sleep(node.clock, gate.hashes.typicalMs)
    return refuse(Status.InvPaswd, 'unknown system_id')
  }
  const hashed = await gate.hashes.run(() => verifyPassword(password, account.passwordHash))
  if (hashed.kind === 'busy') return refuse(Status.BindFail, 'password checks queue full')
  if (!hashed.value) return refuse(Status.InvPaswd, 'wrong password')
  if (!account.enabled) return refuse(Status.InvPaswd, 'account disabled')
  if (!gate.allows(account.allowList, address)) return refuse(Status.InvPaswd, 'address not in the allow-list')

  // The limit holds across nodes: the registry has the other nodes' sessions, this node knows its own best.
  const live = await node.registry.list(account.accountId, Math.floor(node.clock.now() / 1000))
  if (sessionLimitReached(account, sessionsElsewhere(live, node.nodeId), node.boundHere(account.accountId))) {
    await bindSucceeded(limits, admission.ticket) // the credentials were right: no strike against them
    return refuse(Status.BindFail, `session limit of ${account.sessionLimit} reached`)
  }
  // The peer may have left meanwhile.
  if (conn.state !== 'open') return conn.reply(pdu, conn.state === 'closed' ? Status.BindFail : Status.AlyBnd)

  await bindSucceeded(limits, admission.ticket)
  conn.markBound(account, bindType)
  // sc_interface_version (section 5.3.2.25): we speak 3.4.
  conn.reply(pdu, Status.Ok, { systemId: node.systemId, scInterfaceVersion: 0x34 })
  node.log.info('bound', { conn: conn.id, systemId, address, bindType })
  node.bound(conn)
}
