import type { Account, LedgerEntry } from '../domain/model'

export interface Page<T> {
  items: T[]
  cursor?: string // opaque; absent on the last page
}

export interface AccountStore {
  /**
   * The account; its balance is the sum of the adapter's balance shards, read consistently but not
   * atomically (a top-up landing meanwhile may show in part). The pipeline's read: cheap, and the
   * charge's own conditions decide what may be taken.
   */
  get(accountId: string): Promise<Account | undefined>
  /** The account with its balance from one atomic read of every shard: what the API shows. */
  getExact(accountId: string): Promise<Account | undefined>
  /** Create; false when the accountId exists already. */
  create(account: Account): Promise<boolean>
  /** Change settings (never the balance: that moves only with a ledger entry). Undefined when missing. */
  update(accountId: string, patch: Partial<Omit<Account, 'accountId' | 'balance' | 'createdAt'>>): Promise<Account | undefined>
  list(limit: number, cursor?: string): Promise<Page<Account>>
  /** Top-up or adjustment: the balance and its ledger entry move together, once per entryId. */
  /**
   * Moves the balance with a ledger entry, once per entryId. A negative amount (a debit adjustment) is
   * conditional in the same write: it never takes the balance below -creditLimit, however many run at once.
   */
  credit(entry: LedgerEntry): Promise<'credited' | 'already-credited' | 'no-account' | 'below-credit-limit'>
}
