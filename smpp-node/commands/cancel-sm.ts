import { SmppError } from '../../lib/domain/errors'
import { recordIdOf } from '../../lib/domain/message-id-format'
import type { Account, MessageRecord } from '../../lib/domain/model'
import { CancellableStates } from '../../lib/domain/receipts'
import type { CancelSm } from '../../lib/smpp/pdu'
import { bodyOf, CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import type { Session } from '../session/session'
import type { MessageServices } from './services'

/** How far back a cancel by service_type and address looks, and how many of the account's records it reads at most. */
export const CancelScan = { days: 15, maxRecords: 1_000, page: 100 } as const

/**
 * cancel_sm (section 4.9): moves each message named to DELETED with a conditional update, so one that reached a
 * final state meanwhile is not touched. The move keeps a dueAt of now: the due sweep (lib/domain/due.ts) then runs
 * the settle path of every final state (refund per policy, usage row, the final receipt if one was asked for),
 * which needs tables the node does not write. A message is named by message_id, or, with an empty message_id, by
 * source_addr with service_type and destination_addr when given (4.9.1): then every waiting message of the account
 * that matches, among those of the last CancelScan.days. Any refusal is ESME_RCANCELFAIL: another account's
 * message, a source_addr that is not the originator's, nothing waiting that matches.
 */
export const cancelSm =
  (deps: MessageServices) =>
  async (conn: Session, pdu: Pdu): Promise<void> => {
    const b = bodyOf(pdu, CommandId.CancelSm)
    const accountId = conn.account?.accountId ?? ''
    const now = new Date(deps.clock.now())
    const targets = b.messageId ? [await one(deps, conn.account ?? { accountId: '' }, b)] : await matching(deps, accountId, b, now)
    const doneAt = now.toISOString()
    const moved = await Promise.all(
      targets.map((m) => deps.messages.transition(m.messageId, CancellableStates, 'DELETED', { doneAt, dueAt: doneAt })),
    )
    if (!moved.some(Boolean)) throw cancelFail(`nothing cancellable for ${b.messageId || b.sourceAddr}`)
    conn.reply(pdu, Status.Ok)
  }

const cancelFail = (why: string) => new SmppError(Status.CancelFail, why)

async function one(deps: MessageServices, account: Pick<Account, 'accountId' | 'messageIdFormat'>, b: CancelSm): Promise<MessageRecord> {
  // The id in the account's message_id format (issue 17) names its record.
  const record = await deps.messages.get(recordIdOf(b.messageId, account))
  if (record === undefined || record.accountId !== account.accountId) throw cancelFail(`no message ${b.messageId} for this account`)
  if (b.sourceAddr && b.sourceAddr !== record.sourceAddr) throw cancelFail('source_addr is not the originator')
  return record
}

async function matching(deps: MessageServices, accountId: string, b: CancelSm, now: Date): Promise<MessageRecord[]> {
  if (!b.sourceAddr) throw cancelFail('cancel without message_id needs source_addr')
  const from = new Date(now.getTime() - CancelScan.days * 86_400_000).toISOString()
  const found: MessageRecord[] = []
  let cursor: string | undefined
  for (let read = 0; read < CancelScan.maxRecords; read += CancelScan.page) {
    const page = await deps.messages.listByAccount(accountId, from, now.toISOString(), CancelScan.page, cursor)
    found.push(
      ...page.items.filter(
        (m) =>
          CancellableStates.includes(m.state) &&
          m.sourceAddr === b.sourceAddr &&
          (!b.destinationAddr || m.destinationAddr === b.destinationAddr) &&
          (!b.serviceType || (m.serviceType ?? '') === b.serviceType),
      ),
    )
    cursor = page.cursor
    if (!cursor) break
  }
  return found
}
