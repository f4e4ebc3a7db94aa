import { SmppError } from '../../lib/domain/errors'
import { recordIdOf } from '../../lib/domain/message-id-format'
import { CancellableStates } from '../../lib/domain/receipts'
import { bodyOf, CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import type { Session } from '../session/session'
import type { MessageServices } from './services'

/**
 * cancel_sm (section 4.9): moves the message to DELETED with a conditional update, so a message that
 * reached a final state meanwhile is not touched. Cancelling by service_type and address (empty
 * message_id) is not offered. Any refusal is ESME_RCANCELFAIL: another account's message, a source_addr
 * that is not the originator's (4.9.1), a message already final or unknown.
 */
export const cancelSm =
  (deps: MessageServices) =>
  async (conn: Session, pdu: Pdu): Promise<void> => {
    const b = bodyOf(pdu, CommandId.CancelSm)
    const cancelFail = (why: string) => new SmppError(Status.CancelFail, why)
    if (!b.messageId) throw cancelFail('cancel without message_id is not offered')
    const { messages } = deps
    const id = recordIdOf(b.messageId, conn.account ?? { accountId: '' }) // the account's message_id format (issue 17)
    const record = await messages.get(id)
    if (record === undefined || record.accountId !== conn.account?.accountId) throw cancelFail(`no message ${b.messageId} for this account`)
    if (b.sourceAddr && b.sourceAddr !== record.sourceAddr) throw cancelFail('source_addr is not the originator')
    const doneAt = new Date(deps.clock.now()).toISOString()
    const updated = await messages.transition(id, CancellableStates, 'DELETED', { doneAt })
    if (updated === undefined) throw cancelFail(`message ${b.messageId} is no longer cancellable`)
    conn.reply(pdu, Status.Ok)
  }
