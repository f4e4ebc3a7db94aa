import { deliverToAccount } from './deliver'
import type { Deps } from './deps'
import { receiptOf, usageRowOf } from './final-effects'
import { addHours, epochSec, GuardKey, utcDay } from './ids'
import { FinalStates, type MessageRecord } from './model'
import { receiptWanted, refundDue } from './receipts'

/**
 * The effects of a message having reached `record.state`, each exactly once, so running this again
 * after a crash or for a duplicate receipt changes nothing: the refund (the ledger's own guard), the
 * usage row of the final status (USAGE# guard) and the receipt the client asked for (RECEIPT# guard).
 * Shared by dispatch (UNDELIVERABLE after failover) and the DLR path (upstream receipts). A state the DLR moved
 * with its usage row and stored receipt in one commit (`settledOnce`, ./settle-once.ts) has only the refund left,
 * and the receipt when it went to a webhook.
 */
export async function settle(deps: Deps, record: MessageRecord, networkErrorCode?: string): Promise<void> {
  const once = record.settledOnce?.state === record.state ? record.settledOnce : undefined
  if (FinalStates.has(record.state)) {
    const account = await deps.stores.accounts.get(record.accountId)
    if (account && record.cost > 0 && refundDue(account, record.state, record)) await refund(deps, record)
    if (!once) await guarded(deps, GuardKey.usage(record.messageId, record.state), () => deps.stores.usage.add(usageRowOf(record)))
  }
  if (!receiptWanted(record.registeredDelivery, record.state) || (once && !once.receiptLeft)) return
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
  const deliver = receiptOf(record, deps.now(), networkErrorCode)
  const key = GuardKey.receipt(record.messageId, record.state)
  await guarded(deps, key, () => deliverToAccount(deps, record.accountId, key, deliver))
}

/**
 * Take the guard as a short lease, do the effect, then confirm the guard (done) for the retention period. If the
 * effect fails, the guard is given back so the SQS retry does it. Issue 13, item 9: a run that dies between
 * taking the guard and the effect used to lose that effect for good; now its lease lapses within
 * GuardLeaseSec, inside the queue's redelivery window (visibility x 5 receives), and the retry does it. A run
 * that dies after the effect and before confirming can repeat it once: at least once, never lost.
 *
 * A lease held by another run is not "done": that run may be dead (a killed Lambda's redelivered record arrives
 * after one visibility timeout, before the lease lapses). So `held` throws GuardHeld, the record fails, and SQS
 * offers it again until the lease is confirmed (then: nothing to do) or lapses (then: this run does it). Returning
 * as if done lost every receipt whose run was killed mid-effect (issue 18, the Lambda-kill test).
 */
export const GuardLeaseSec = 90

/** Another run holds the guard's lease: retry later (the record fails and SQS redelivers it). */
export class GuardHeld extends Error {
  constructor(readonly key: string) {
    super(`guard ${key} is held by another run; retried after its lease`)
  }
}

/**
 * The keys this process holds right now, per guard store. A copy of a record in the same batch (a carrier's
 * duplicate receipt) that finds the lease held by this very process knows the holder is alive: the holder's own
 * record does the effect or fails and is redelivered, so the copy has nothing to do and needs no retry.
 */
const holding = new WeakMap<object, Set<string>>()

export async function guarded(deps: Deps, key: string, effect: () => Promise<unknown>): Promise<boolean> {
  const { guards } = deps.stores
  const mine = holding.get(guards) ?? holding.set(guards, new Set()).get(guards)!
  const claim = await guards.take(key, epochSec(deps.now()) + GuardLeaseSec)
  if (claim === 'done' || (claim === 'held' && mine.has(key))) return false
  if (claim === 'held') throw new GuardHeld(key)
  mine.add(key)
  try {
    await effect()
  } catch (err) {
    await guards.release(key)
    mine.delete(key)
    throw err
  }
  await guards.confirm(key, epochSec(addHours(deps.now(), deps.cfg.retentionDays * 24))).finally(() => mine.delete(key))
  return true
}
