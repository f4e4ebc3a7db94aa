import type { Account } from '../../domain/model'
import type { AccountStore } from '../../ports'
import { decodeCursor, encodeCursor, Pk, Sk } from '../keys'
import { copy, type MemoryState, partition } from './state'

export function memoryAccounts(state: MemoryState): AccountStore {
  const { accounts } = state
  return {
    async get(accountId) {
      const a = accounts.get(accountId)
      return a && copy(a)
    },
    async getExact(accountId) {
      return this.get(accountId)
    },
    async create(account) {
      if (accounts.has(account.accountId)) return false
      accounts.set(account.accountId, copy(account))
      return true
    },
    async update(accountId, patch) {
      const a = accounts.get(accountId)
      if (!a) return undefined
      const { accountId: _id, balance: _b, createdAt: _c, ...settings } = patch as Partial<Account>
      for (const [k, v] of Object.entries(settings)) if (v !== undefined) (a as unknown as Record<string, unknown>)[k] = copy(v)
      return copy(a)
    },
    async list(limit, cursor) {
      // Scan order is unspecified in DynamoDB; accountId order here, with the same cursor contract.
      const after = decodeCursor<{ k: string }>(cursor)?.k
      const ids = [...accounts.keys()].filter((id) => after === undefined || id > after).sort()
      const taken = ids.slice(0, Math.max(1, limit))
      return {
        items: taken.map((id) => copy(accounts.get(id)!)),
        ...(ids.length > taken.length ? { cursor: encodeCursor({ k: taken[taken.length - 1] }) } : {}),
      }
    },
    async credit(entry) {
      const guard = Pk.credit(entry.entryId)
      if (state.guards.has(guard)) return 'already-credited'
      const a = accounts.get(entry.accountId)
      if (!a) return 'no-account'
      if (entry.amount < 0 && a.balance + entry.amount < -a.creditLimit) return 'below-credit-limit'
      a.balance += entry.amount
      partition(state.ledger, entry.accountId).set(Sk.ledger(entry.at, entry.entryId), copy(entry))
      state.guards.set(guard, { expiresAt: Number.MAX_SAFE_INTEGER }) // never expires, as in DynamoDB
      return 'credited'
    },
  }
}
