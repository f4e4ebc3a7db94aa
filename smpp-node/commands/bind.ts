import type { BindType } from '../../lib/domain/model'
import { verifyPassword } from '../../lib/domain/password'
import { sessionLimitReached, sessionsElsewhere } from '../../lib/domain/sessions'
import { bodyOf, CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status, type StatusCode, statusName } from '../../lib/smpp/status'
import { sleep } from '../session/clock'
import type { Session } from '../session/session'
import type { BindServices } from './services'

/**
 * bind_transmitter / bind_receiver / bind_transceiver (SMPP 3.4 section 4.1) against the accounts table.
 *
 * Order matters: the lockout is checked before anything else, so a locked-out address learns nothing;
 * the allow-list and the enabled flag before the password, so an address outside the list cannot use
 * the node as a password oracle. Credential and policy failures count towards the lockout; a full
 * session limit or a draining node do not (the client did nothing wrong). Failed binds are answered
 * after a short delay, which caps guessing on one connection.
 */
export const bind =
  (node: BindServices, bindType: BindType) =>
  async (conn: Session, pdu: Pdu): Promise<void> => {
    const { systemId, password } = bodyOf(pdu, CommandId.BindTransmitter, CommandId.BindReceiver, CommandId.BindTransceiver)
    const address = conn.remote.address
    const now = node.clock.now()

    const refuse = async (status: StatusCode, why: string, counts: boolean) => {
      if (counts) node.gate.fail(address, now)
      node.metrics.count('bindsFailed')
      node.log.warn('bind refused', { conn: conn.id, systemId, address, bindType, status: statusName(status), why })
      await sleep(node.clock, node.failedBindDelayMs)
      conn.reply(pdu, status)
    }

    if (node.isDraining()) return refuse(Status.BindFail, 'node is draining', false)
    if (node.gate.isLocked(address, now)) return refuse(Status.BindFail, 'address locked out after failed binds', false)
    const account = await node.accounts.get(systemId)
    if (account === undefined) return refuse(Status.InvSysId, 'unknown system_id', true)
    if (!account.enabled) return refuse(Status.BindFail, 'account disabled', true)
    if (!node.gate.allows(account.allowList, address)) return refuse(Status.BindFail, 'address not in the allow-list', true)
    if (!(await verifyPassword(password, account.passwordHash))) return refuse(Status.InvPaswd, 'wrong password', true)

    // The limit holds across nodes: the registry has the other nodes' sessions, this node knows its own best.
    const live = await node.registry.list(account.accountId, Math.floor(node.clock.now() / 1000))
    if (sessionLimitReached(account, sessionsElsewhere(live, node.nodeId), node.boundHere(account.accountId))) {
      return refuse(Status.BindFail, `session limit of ${account.sessionLimit} reached`, false)
    }
    // A second bind may have raced this one on the same connection, or the peer left meanwhile.
    if (conn.state !== 'open') return conn.reply(pdu, conn.state === 'closed' ? Status.BindFail : Status.AlyBnd)

    node.gate.succeed(address)
    conn.markBound(account, bindType)
    // sc_interface_version (section 5.3.2.25): we speak 3.4.
    conn.reply(pdu, Status.Ok, { systemId: node.systemId, scInterfaceVersion: 0x34 })
    node.log.info('bound', { conn: conn.id, systemId, address, bindType })
    node.bound(conn)
  }
