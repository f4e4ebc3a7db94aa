import type { Account, LedgerEntry } from '../domain/model'

export interface Page<T> {
  items: T[]
  cursor?: string // opaque; absent on the last page
}

export interface AccountStore {
  get(accountId: string): Promise<Account | undefined>
  /** Create; false when the accountId exists already. */
  create(account: Account): Promise<boolean>
  /** Change settings (never the balance: that moves only with a ledger entry). Undefined when missing. */
  update(accountId: string, patch: Partial<Omit<Account, 'accountId' | 'balance' | 'createdAt'>>): Promise<Account | undefined>
  list(limit: number, cursor?: string): Promise<Page<Account>>
  /** Top-up or adjustment: the balance and its ledger entry move together, once per entryId. */
  credit(entry: LedgerEntry): Promise<'credited' | 'already-credited' | 'no-account'>
}
