import { receiptText } from '../../lib/domain/charge'
import { SmppError } from '../../lib/domain/errors'
import { recordIdOf } from '../../lib/domain/message-id-format'
import { replacementOf } from '../../lib/domain/replace'
import { countParts, decodeText } from '../../lib/encoding/data-coding'
import { bodyOf, CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import type { Session } from '../session/session'
import type { BindServices, MessageServices } from './services'

// Section 4.10.1: a replacement is one short_message; a longer text has no message_payload to travel in here.
const MaxOctets = 160

/**
 * replace_sm (section 4.10): a message still waiting for its schedule_delivery_time gets the new text, times and
 * registered_delivery in one conditional write (lib/domain/replace.ts), re-priced at its price per part; the due
 * sweep puts the difference on the ledger. The text is read with the message's own data_coding (replace_sm has
 * none). Anything else, including a message already released to a carrier, is ESME_RREPLACEFAIL.
 */
export const replaceSm =
  (deps: MessageServices & Pick<BindServices, 'accounts'>) =>
  async (conn: Session, pdu: Pdu): Promise<void> => {
    const b = bodyOf(pdu, CommandId.ReplaceSm)
    const fail = (why: string) => new SmppError(Status.ReplaceFail, why)
    // The id in the account's message_id format (issue 17) names its record.
    const record = b.messageId && conn.account ? await deps.messages.get(recordIdOf(b.messageId, conn.account)) : undefined
    if (record === undefined || record.accountId !== conn.account?.accountId) throw fail(`no message ${b.messageId} for this account`)
    if (b.sourceAddr && b.sourceAddr !== record.sourceAddr) throw fail('source_addr is not the originator')
    if (b.shortMessage.length > MaxOctets) throw new SmppError(Status.InvMsgLen, `short_message of ${b.shortMessage.length} octets`)
    const account = await deps.accounts.get(record.accountId)
    if (!account) throw fail(`account ${record.accountId} is gone`)
    const text = decodeText(record.dataCoding, b.shortMessage) ?? ''
    const parts = Math.max(1, countParts(b.shortMessage, record.dataCoding, 'udh8') ?? 1)
    const { patch, when } = replacementOf(record, account, { ...b, text: receiptText(text), parts }, new Date(deps.clock.now()))
    if (!(await deps.messages.amend(record.messageId, patch, when))) throw fail(`message ${record.messageId} changed meanwhile`)
    conn.reply(pdu, Status.Ok)
  }
