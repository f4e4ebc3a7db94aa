import { SmppError } from '../../lib/domain/errors'
import { recordIdOf } from '../../lib/domain/message-id-format'
import { FinalStates } from '../../lib/domain/model'
import { messageStateOf } from '../../lib/domain/receipts'
import { bodyOf, CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import type { Session } from '../session/session'
import type { MessageServices } from './services'

const two = (n: number) => String(n).padStart(2, '0')

/** Absolute time format of section 7.1.1, in UTC: YYMMDDhhmmsstnnp ("000+": tenths 0, offset 0 quarter hours). */
export const smppTime = (iso: string): string => {
  const d = new Date(iso)
  return (
    two(d.getUTCFullYear() % 100) +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes()) +
    two(d.getUTCSeconds()) +
    `${Math.floor(d.getUTCMilliseconds() / 100)}00+`
  )
}

/**
 * query_sm (section 4.8): the message's state straight from the messages table. A message of another
 * account is answered exactly like an unknown one (ESME_RINVMSGID), so ids cannot be probed.
 */
export const querySm =
  (deps: Pick<MessageServices, 'messages'>) =>
  async (conn: Session, pdu: Pdu): Promise<void> => {
    const { messageId } = bodyOf(pdu, CommandId.QuerySm)
    // The client's id in its account's format names the record (lib/domain/message-id-format.ts, issue 17).
    const record = messageId && conn.account ? await deps.messages.get(recordIdOf(messageId, conn.account)) : undefined
    if (record === undefined || record.accountId !== conn.account?.accountId)
      throw new SmppError(Status.InvMsgId, `no message ${messageId} for this account`)
    conn.reply(pdu, Status.Ok, {
      messageId,
      finalDate: FinalStates.has(record.state) && record.doneAt ? smppTime(record.doneAt) : '',
      messageState: messageStateOf(record.state),
      errorCode: record.errorCode & 0xff, // error_code is one octet (section 5.2.xx of query_sm_resp)
    })
  }
