import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import type { Account, LedgerEntry } from '../../domain/model'
import type { AccountStore } from '../../ports'
import { decodeCursor, encodeCursor, Pk, Sk } from '../keys'
import { balanceMove, readShards, type Shards, shardKey, shardMove, shardPk, snapshotShards, split } from './balance'
import { batchGet, fromItem, type Item, reasonCodes, toItem, transact, values } from './item'
import type { RecentShards } from './recent-shards'

/**
 * accounts item: { accountId (pk), ...Account, headroom }.
 * `headroom` = balance + creditLimit, kept by every write that moves either: a condition expression
 * cannot add two attributes, so the charge condition "balance + creditLimit >= cost" is `headroom >= :cost`.
 */
/** The credit guard: one entryId moves the balance once (no TTL: issue 13, item 10). */
const creditGuard = (table: string, entryId: string) => ({
  Put: { TableName: table, Item: toItem({ pk: Pk.credit(entryId) }), ConditionExpression: 'attribute_not_exists(pk)' },
})
export const accountItem = (a: Account): Item => toItem({ ...a, headroom: a.balance + a.creditLimit })
const toAccount = (item: Item) => fromItem<Account>(item, ['headroom'])
/** The account with the balance of all its shards (balance.ts). */
const withShards = (s: Shards) => s.item && { ...toAccount(s.item), balance: s.balances.reduce((a, b) => a + b, 0) }

/** ledger item: { accountId (pk), sk `<at>#<entryId>`, ...LedgerEntry }; conditional so an entry is written once. */
export const ledgerPut = (table: string, e: LedgerEntry) => ({
  Put: { TableName: table, Item: toItem({ ...e, sk: Sk.ledger(e.at, e.entryId) }), ConditionExpression: 'attribute_not_exists(sk)' },
})

export function dynamoAccounts(
  db: DynamoDBClient,
  tables: { accounts: string; ledger: string; guards: string },
  opts: { now: () => Date; retentionDays: number; balanceShards: number; recent?: RecentShards },
): AccountStore {
  const table = tables.accounts
  const n = opts.balanceShards
  /**
   * A debit adjustment in one transaction (issue 13 leftover): shard 0 takes it only if its headroom covers
   * what the other shards, as read, do not; each of those is checked to still hold at least that. Two concurrent
   * debits cannot both pass: the later one's condition sees the earlier's move and the transaction is cancelled,
   * then judged again on a fresh read (bounded).
   */
  const debit = async (entry: LedgerEntry): Promise<'credited' | 'already-credited' | 'no-account' | 'below-credit-limit'> => {
    for (let attempt = 1; ; attempt++) {
      const shards = await readShards(db, tables, entry.accountId, n)
      if (!shards.item) return 'no-account'
      const others = shards.available.slice(1)
      const need = -entry.amount - others.reduce((a, b) => a + b, 0)
      if (shards.available[0] < need) {
        // Not enough, unless this entryId was credited before (a retry): the guard decides which answer.
        return (await guardExists(entry.entryId)) ? 'already-credited' : 'below-credit-limit'
      }
      const move = balanceMove(tables, entry.accountId, entry.amount).Update
      try {
        await transact(() =>
          db.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                creditGuard(tables.guards, entry.entryId),
                {
                  Update: {
                    ...move,
                    ConditionExpression: 'attribute_exists(accountId) AND #headroom >= :need',
                    ExpressionAttributeValues: values({ ':amount': entry.amount, ':need': need }),
                  },
                },
                ...others.flatMap((seen, j) =>
                  seen > 0
                    ? [
                        {
                          ConditionCheck: {
                            TableName: tables.ledger,
                            Key: shardKey(entry.accountId, j + 1),
                            ConditionExpression: '#balance >= :seen',
                            ExpressionAttributeNames: { '#balance': 'balance' },
                            ExpressionAttributeValues: values({ ':seen': seen }),
                          },
                        },
                      ]
                    : [],
                ),
                ledgerPut(tables.ledger, entry),
              ],
            }),
          ),
        )
        return 'credited'
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err
        if (reasonCodes(err)[0] === 'ConditionalCheckFailed') return 'already-credited'
        // A concurrent debit, charge or top-up moved a shard since the read: judge again on a fresh read.
        if (attempt >= 5) throw err
      }
    }
  }
  const guardExists = async (entryId: string) =>
    (await db.send(new GetItemCommand({ TableName: tables.guards, Key: toItem({ pk: Pk.credit(entryId) }), ConsistentRead: true })))
      .Item !== undefined
  return {
    async get(accountId) {
      const shards = readShards(db, tables, accountId, n)
      opts.recent?.keep(accountId, shards)
      return withShards(await shards)
    },
    async getExact(accountId) {
      return withShards(await snapshotShards(db, tables, accountId, n))
    },
    async create(account) {
      try {
        await db.send(
          new PutItemCommand({ TableName: table, Item: accountItem(account), ConditionExpression: 'attribute_not_exists(accountId)' }),
        )
        return true
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false
        throw err
      }
    },
    async update(accountId, patch) {
      const { accountId: _id, balance: _b, createdAt: _c, headroom: _h, ...settings } = patch as Partial<Account> & { headroom?: number }
      const fields = Object.entries(settings).filter(([, v]) => v !== undefined)
      if (fields.length === 0) return this.get(accountId)
      const sets = fields.map(([, _], i) => `#f${i} = :v${i}`)
      // A new credit limit moves the headroom with it (headroom = balance + creditLimit).
      if (settings.creditLimit !== undefined) sets.push('#headroom = #balance + :cl')
      try {
        const out = await db.send(
          new UpdateItemCommand({
            TableName: table,
            Key: toItem({ accountId }),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: 'attribute_exists(accountId)',
            ExpressionAttributeNames: {
              ...Object.fromEntries(fields.map(([k], i) => [`#f${i}`, k])),
              ...(settings.creditLimit !== undefined ? { '#headroom': 'headroom', '#balance': 'balance' } : {}),
            },
            ExpressionAttributeValues: values({
              ...Object.fromEntries(fields.map(([, v], i) => [`:v${i}`, v])),
              ...(settings.creditLimit !== undefined ? { ':cl': settings.creditLimit } : {}),
            }),
            ReturnValues: 'ALL_NEW',
          }),
        )
        return out.Attributes && this.get(accountId)
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return undefined
        throw err
      }
    },
    async list(limit, cursor) {
      // Admin listing only (lib/resources.ts): the one Scan in the adapters.
      const out = await db.send(
        new ScanCommand({
          TableName: table,
          Limit: Math.max(1, limit),
          ExclusiveStartKey: decodeCursor<Item>(cursor),
          ConsistentRead: true,
        }),
      )
      const accounts = (out.Items ?? []).map(toAccount)
      // The admin listing shows whole balances: the page's other shards in one BatchGetItem.
      const keys = accounts.flatMap((a) => Array.from({ length: n - 1 }, (_, j) => shardKey(a.accountId, j + 1)))
      const shards = keys.length > 0 ? await batchGet(db, tables.ledger, keys, true) : []
      for (const s of shards) {
        const a = accounts.find((x) => s.accountId?.S?.startsWith(shardPk(x.accountId, 0).slice(0, -1)))
        if (a) a.balance += Number(s.balance?.N ?? 0)
      }
      return {
        items: accounts,
        ...(out.LastEvaluatedKey ? { cursor: encodeCursor(out.LastEvaluatedKey) } : {}),
      }
    },
    async credit(entry) {
      if (entry.amount < 0) return debit(entry)
      try {
        await transact(() =>
          db.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                // A retried top-up carries the same entryId: the guard makes it credit once. It has no TTL
                // (issue 13, item 10): a key that expired could be replayed to credit again.
                creditGuard(tables.guards, entry.entryId),
                // Index 1 is shard 0, the account item: its condition tells a missing account.
                balanceMove(tables, entry.accountId, split(entry.amount, n)[0]),
                // A top-up is spread over every shard, so the charges that draw from them find money everywhere.
                ...split(entry.amount, n)
                  .slice(1)
                  .flatMap((amount, j) => (amount === 0 ? [] : [shardMove(tables, entry.accountId, j + 1, amount)])),
                ledgerPut(tables.ledger, entry),
              ],
            }),
          ),
        )
        return 'credited'
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err
        const [guard, account] = reasonCodes(err)
        if (guard === 'ConditionalCheckFailed') return 'already-credited'
        if (account === 'ConditionalCheckFailed') return 'no-account'
        throw err
      }
    },
  }
}
