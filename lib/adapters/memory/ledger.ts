import type { UsageRow } from '../../domain/model'
import { type Charge, type ChargeResult, chargeLine, type Decision, type Ledger } from '../../ports'
import { Day, Pk, Sk, upTo } from '../keys'
import { copy, type MemoryState, nowSec, pageOf, partition } from './state'

/** Adds counters like DynamoDB's ADD: a missing row starts at zero. */
export function addUsage(state: MemoryState, row: UsageRow) {
  const rows = partition(state.usage, row.accountId)
  const sk = Sk.usage(row.day, row.prefix, row.status)
  const { partsSaved: _, ...key } = row
  const cur = rows.get(sk) ?? { ...copy(key), messages: 0, parts: 0, cost: 0, refunds: 0 }
  if (row.country !== undefined) cur.country = row.country
  cur.messages += row.messages
  cur.parts += row.parts
  cur.cost += row.cost
  cur.refunds += row.refunds
  if (row.partsSaved) cur.partsSaved = (cur.partsSaved ?? 0) + row.partsSaved
  rows.set(sk, cur)
}

/** One message of a batch: everything but the ledger line, which the batch writes once. */
function chargeOne(state: MemoryState, charge: Charge): ChargeResult {
  const { guards, decisions } = state
  const { message, entry, duplicate } = charge
  if (entry.amount !== -message.cost) throw new Error(`charge ${message.messageId}: entry amount must be minus the message cost`)
  const existing = decisions.get(message.messageId)?.decision
  if (existing) return { result: 'already-decided', decision: copy(existing) }
  const dup = duplicate && guards.get(duplicate.key)
  if (dup && dup.expiresAt >= nowSec(state) && (dup.dupUntil ?? dup.expiresAt) >= nowSec(state)) return { result: 'duplicate' }
  const account = state.accounts.get(message.accountId)
  if (!account || account.balance + account.creditLimit < message.cost) return { result: 'insufficient-funds' }
  if (state.messages.has(message.messageId)) throw new Error(`charge ${message.messageId}: message exists without a decision`)

  const decision: Decision = { messageId: message.messageId, status: 0, decidedAt: entry.at }
  decisions.set(message.messageId, { expiresAt: charge.decisionExpiresAt, decision })
  if (duplicate)
    guards.set(duplicate.key, {
      expiresAt: duplicate.expiresAt,
      dupUntil: duplicate.dupUntil,
      owner: duplicate.owner && copy(duplicate.owner),
    })
  account.balance -= message.cost
  state.messages.set(message.messageId, copy(message))
  const { accountId, tariffPrefix: prefix, country, parts, cost, partsSaved } = message
  addUsage(state, { accountId, day: charge.usageDay, prefix, country, status: 'CHARGED', messages: 1, parts, cost, refunds: 0, partsSaved })
  return { result: 'charged' }
}

/**
 * The same conditions, in the same order of precedence, as the DynamoDB transaction: a decision
 * already taken wins, then the duplicate window, then the balance. Nothing moves unless all pass.
 */
export function memoryLedger(state: MemoryState): Ledger {
  const { guards, decisions } = state
  return {
    async decision(messageId) {
      const d = decisions.get(messageId)?.decision
      return d && copy(d)
    },
    async decide(decision, expiresAt) {
      const existing = decisions.get(decision.messageId)?.decision
      if (existing) return { result: 'already-decided', decision: copy(existing) }
      decisions.set(decision.messageId, { expiresAt, decision: copy(decision) })
      return { result: 'recorded' }
    },
    async decisions(messageIds) {
      const found = new Map<string, Decision>()
      for (const id of messageIds) {
        const d = decisions.get(id)?.decision
        if (d) found.set(id, copy(d))
      }
      return found
    },
    async chargeOnce(charge) {
      return (await this.chargeBatch([charge]))[0]
    },
    async chargeBatch(charges) {
      const committed: Charge[] = []
      // Synchronous from here to the end: the whole batch is one atomic step, like one transaction.
      const results = charges.map((charge) => {
        const result = chargeOne(state, charge)
        if (result.result === 'charged') committed.push(charge)
        return result
      })
      if (committed.length > 0) {
        const line = chargeLine(committed)
        partition(state.ledger, line.accountId).set(Sk.ledger(line.at, line.entryId), copy(line))
      }
      return results
    },
    async refundOnce(refund) {
      const guard = Pk.refund(refund.messageId)
      if (guards.has(guard)) return 'already-refunded'
      const message = state.messages.get(refund.messageId)
      const account = state.accounts.get(refund.entry.accountId)
      if (!message || !account) throw new Error(`refund ${refund.messageId}: no such message or account`)
      guards.set(guard, { expiresAt: nowSec(state) + state.retentionDays * Day })
      account.balance += refund.entry.amount
      message.refunded = true
      partition(state.ledger, refund.entry.accountId).set(Sk.ledger(refund.entry.at, refund.entry.entryId), copy(refund.entry))
      addUsage(state, { ...refund.usage, messages: 0, parts: 0, cost: 0 })
      return 'refunded'
    },
    async entries(accountId, fromIso, toIso, limit, cursor) {
      const to = upTo(toIso)
      return pageOf(state.ledger.get(accountId), limit, cursor, (sk) => sk >= fromIso && sk <= to)
    },
  }
}
