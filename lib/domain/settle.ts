import { deliverToAccount } from './deliver'
import type { Deps } from './deps'
import { addHours, clientMessageId, epochSec, GuardKey, utcDay } from './ids'
import { FinalStates, type MessageRecord } from './model'
import { receiptDeliver, receiptWanted, refundDue } from './receipts'

/**
 * The effects of a message having reached `record.state`, each exactly once, so running this again
 * after a crash or for a duplicate receipt changes nothing: the refund (the ledger's own guard), the
 * usage row of the final status (USAGE# guard) and the receipt the client asked for (RECEIPT# guard).
 * Shared by dispatch (UNDELIVERABLE after failover) and the DLR path (upstream receipts).
 */
export async function settle(deps: Deps, record: MessageRecord, networkErrorCode?: string): Promise<void> {
  if (FinalStates.has(record.state)) {
    const account = await deps.stores.accounts.get(record.accountId)
    if (account && record.cost > 0 && refundDue(account, record.state)) await refund(deps, record)
    await guarded(deps, GuardKey.usage(record.messageId, record.state), () =>
      deps.stores.usage.add({
        accountId: record.accountId,
        day: utcDay(record.createdAt), // the charge's day, so a message's rows sit together
        prefix: record.tariffPrefix,
        country: record.country,
        status: record.state,
        messages: 1,
        parts: record.parts,
        cost: record.cost,
        refunds: 0,
      }),
    )
  }
  if (!receiptWanted(record.registeredDelivery, record.state)) return
  await sendReceipt(deps, record, networkErrorCode)
}

async function refund(deps: Deps, record: MessageRecord): Promise<void> {
  const result = await deps.stores.ledger.refundOnce({
    messageId: record.messageId,
    entry: {
      accountId: record.accountId,
      entryId: `refund-${record.messageId}`,
      at: deps.now().toISOString(),
      kind: 'refund',
      amount: record.cost,
      messageId: record.messageId,
      note: `${record.state} err ${record.errorCode}`,
    },
    usage: {
      accountId: record.accountId,
      day: utcDay(record.createdAt),
      prefix: record.tariffPrefix,
      country: record.country,
      status: 'REFUNDED',
      refunds: record.cost,
    },
  })
  deps.log.info('refund', { messageId: record.messageId, result, amount: record.cost })
}

async function sendReceipt(deps: Deps, record: MessageRecord, networkErrorCode?: string): Promise<void> {
  const deliver = receiptDeliver({
    messageId: clientMessageId(record.messageId),
    sourceAddr: record.sourceAddr,
    destinationAddr: record.destinationAddr,
    submitDate: new Date(record.createdAt),
    doneDate: record.doneAt ? new Date(record.doneAt) : deps.now(),
    state: record.state,
    err: record.errorCode,
    text: record.text,
    networkErrorCode,
  })
  const key = GuardKey.receipt(record.messageId, record.state)
  await guarded(deps, key, () => deliverToAccount(deps, record.accountId, key, deliver))
}

/**
 * Take the guard, then do the effect; if the effect fails, give the guard back so the SQS retry can
 * do it (a crash in between loses that one effect, never repeats it: at most once by design).
 */
export async function guarded(deps: Deps, key: string, effect: () => Promise<unknown>): Promise<boolean> {
  const expiresAt = epochSec(addHours(deps.now(), deps.cfg.retentionDays * 24))
  if (!(await deps.stores.guards.once(key, expiresAt))) return false
  try {
    await effect()
  } catch (err) {
    await deps.stores.guards.release(key)
    throw err
  }
  return true
}
