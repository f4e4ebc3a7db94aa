import { statusOf } from '../../lib/domain/errors'
import type { BindType } from '../../lib/domain/model'
import type { Log } from '../../lib/ports'
import { commandName } from '../../lib/smpp/codec'
import type { Pdu } from '../../lib/smpp/pdu'
import { Status, type StatusCode } from '../../lib/smpp/status'
import type { Command, Needs, Session, SessionState } from './session'

/** Section 2.2: binds only in the open state, everything else only when bound, submits not on a receiver. */
export function stateRefusal(needs: Needs, state: SessionState, bindType: BindType | undefined): StatusCode {
  if (needs === 'any') return Status.Ok
  if (needs === 'open') return state === 'open' ? Status.Ok : Status.AlyBnd
  if (state !== 'bound') return Status.InvBndSts
  if (needs === 'transmit' && bindType === 'receiver') return Status.InvBndSts
  return Status.Ok
}

/**
 * Runs a request that holds a window slot: refused by the bind state, or handed to its command. Every
 * command path ends in session.reply exactly once: a throw (now or in the returned promise) is answered
 * with the error's status, SysErr for the unexpected, whose text never reaches the peer.
 */
export function runCommand(session: Session, command: Command, pdu: Pdu, log: Log): void {
  const refusal = stateRefusal(command.needs, session.state, session.bindType)
  if (refusal !== Status.Ok) {
    session.reply(pdu, refusal)
    return
  }
  try {
    const running = command.run(session, pdu)
    // A closure only for the commands that answer later: the submit path answers synchronously (no promise, no closure).
    if (running) running.catch((err) => fail(session, pdu, log, err))
  } catch (err) {
    fail(session, pdu, log, err)
  }
}

function fail(session: Session, pdu: Pdu, log: Log, err: unknown): void {
  const status = statusOf(err)
  if (status === Status.SysErr) log.error('command failed', { conn: session.id, command: commandName(pdu.commandId), err })
  session.reply(pdu, status)
}
