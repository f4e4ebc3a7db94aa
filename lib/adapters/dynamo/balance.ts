import { randomInt } from 'node:crypto'
import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  type KeysAndAttributes,
  TransactGetItemsCommand,
  TransactionCanceledException,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb'
import { type Item, reasonCodes, sleep, toItem, values } from './item'

/**
 * Balance shards (docs/PIPELINE.md "No hot item"): one account's money lives in `n` items so that
 * concurrent invocations charging it do not serialise on one item. Shard 0 is the account item
 * itself (balance, and headroom = balance + creditLimit, so it carries the credit limit); shards
 * 1..n-1 are ledger-table items { accountId `<accountId>#BALANCE#<k>`, sk BALANCE, balance, owner } that only hold money: charges
 * take from them only down to 0, credits and refunds add to them. So the account's balance is the
 * sum of its shards and never below -creditLimit: every shard k >= 1 is >= 0 and shard 0 >= -creditLimit.
 */
export const DefaultShards = 8
/**
 * A partition key of its own per shard, so DynamoDB hashes the shards to different partitions (one
 * partition takes 1,000 WCU/s); `#` never occurs in an accountId's ledger Query, which names the account.
 */
export const shardPk = (accountId: string, k: number) => `${accountId}#BALANCE#${k}`

type Tables = { accounts: string; ledger: string }

/** Shard 0, the account item: balance and headroom move together (see accounts.ts). */
export const balanceMove = (tables: { accounts: string }, accountId: string, amount: number) => ({
  Update: {
    TableName: tables.accounts,
    Key: toItem({ accountId }),
    UpdateExpression: 'ADD #balance :amount, #headroom :amount',
    ConditionExpression: 'attribute_exists(accountId)',
    ExpressionAttributeNames: { '#balance': 'balance', '#headroom': 'headroom' } as Record<string, string>,
    ExpressionAttributeValues: values({ ':amount': amount }),
  },
})

/** The ledger-table key of shard k >= 1. */
export const shardKey = (accountId: string, k: number) => toItem({ accountId: shardPk(accountId, k), sk: 'BALANCE' })

/** Unconditional move of `amount` on shard k (credits, refunds): an ADD never loses a concurrent one. */
export function shardMove(tables: Tables, accountId: string, k: number, amount: number): TransactWriteItem {
  if (k === 0) return balanceMove(tables, accountId, amount)
  return {
    Update: {
      TableName: tables.ledger,
      Key: shardKey(accountId, k),
      UpdateExpression: 'ADD #balance :amount',
      ExpressionAttributeNames: { '#balance': 'balance' },
      ExpressionAttributeValues: values({ ':amount': amount }),
    },
  }
}

/** Takes `amount` from shard k only if it holds it: shard 0 down to -creditLimit, the others down to 0. */
export function shardTake(tables: Tables, accountId: string, k: number, amount: number): TransactWriteItem {
  const move = shardMove(tables, accountId, k, -amount).Update!
  const condition = k === 0 ? 'attribute_exists(accountId) AND #headroom >= :cost' : '#balance >= :cost'
  return {
    Update: { ...move, ConditionExpression: condition, ExpressionAttributeValues: values({ ':amount': -amount, ':cost': amount }) },
  }
}

/** Empties shard k >= 1 into the charge, only if it still holds exactly what was read. */
export function shardDrain(tables: Tables, accountId: string, k: number, seen: number): TransactWriteItem {
  const move = shardMove(tables, accountId, k, -seen).Update!
  return {
    Update: { ...move, ConditionExpression: '#balance = :seen', ExpressionAttributeValues: values({ ':amount': -seen, ':seen': seen }) },
  }
}

/** A draw on one shard: `take` (at least that much must be there) or `drain` (exactly what was read). */
export type Draw = { k: number; amount: number; drain?: boolean }

/**
 * The draws that pay `cost`, or undefined when the shards cannot. Normally from `start` round the
 * ring, each shard down to its floor. A shard below its floor (a debit adjustment or a lowered
 * credit limit put shard 0 there) would let two invocations both spend money the deficit already
 * owes, so then every shard holding money is drained into the charge exactly as read and shard 0
 * pays the rest down to its floor: one transaction that sees the whole balance (rare: admin-made).
 */
export function draws(available: number[], cost: number, start: number): Draw[] | undefined {
  if (available.reduce((a, b) => a + b, 0) < cost) return undefined
  if (available.every((a) => a >= 0)) {
    const take = allocate(available, cost, start)
    return take?.flatMap((amount, k) => (amount > 0 ? [{ k, amount }] : []))
  }
  const drained = available.flatMap((amount, k) => (k > 0 && amount > 0 ? [{ k, amount, drain: true }] : []))
  return [{ k: 0, amount: cost - drained.reduce((s, d) => s + d.amount, 0) }, ...drained]
}

/** A shard chosen at random: refunds and a batch's first draw spread over the shards. */
export const anyShard = (n: number) => randomInt(n)

/** `amount` split over n shards, the remainder on shard 0 so it is always written (its condition finds the account). */
export function split(amount: number, n: number): number[] {
  if (amount <= 0) return [amount, ...Array(n - 1).fill(0)] // a debit adjustment stays on the account item
  const each = Math.floor(amount / n)
  return [amount - each * (n - 1), ...Array(n - 1).fill(each)]
}

/** What each shard can give, from `start` round the ring, to cover `cost`; undefined if they cannot together. */
export function allocate(available: number[], cost: number, start: number): number[] | undefined {
  const take = available.map(() => 0)
  let left = cost
  for (let j = 0; j < available.length && left > 0; j++) {
    const k = (start + j) % available.length
    take[k] = Math.min(Math.max(0, available[k]), left)
    left -= take[k]
  }
  return left > 0 ? undefined : take
}

export interface Shards {
  /** The account item (undefined: no such account). */
  item?: Item
  /** Balance per shard: [account item's balance, shard 1, ...]. */
  balances: number[]
  /** What each shard may give: shard 0 its headroom (balance + creditLimit), the others their balance. */
  available: number[]
}

const num = (item: Item | undefined, attr: string) => Number(item?.[attr]?.N ?? 0)

function shardsOf(accountItem: Item | undefined, shardItems: Item[], n: number): Shards {
  const byPk = new Map(shardItems.map((i) => [i.accountId?.S, num(i, 'balance')]))
  const id = accountItem?.accountId?.S
  const rest = Array.from({ length: n - 1 }, (_, j) => (id === undefined ? 0 : (byPk.get(shardPk(id, j + 1)) ?? 0)))
  return { item: accountItem, balances: [num(accountItem, 'balance'), ...rest], available: [num(accountItem, 'headroom'), ...rest] }
}

const MaxRounds = 5

/**
 * Every shard of an account in one BatchGetItem (the account item and the ledger-table shards),
 * strongly consistent. Not a snapshot: a concurrent top-up may be seen half, which can only make a
 * charge see less than there is; the charge's conditions decide, so it never takes what is not there.
 */
export async function readShards(db: DynamoDBClient, tables: Tables, accountId: string, n: number): Promise<Shards> {
  let pending: Record<string, KeysAndAttributes> | undefined = {
    [tables.accounts]: { Keys: [toItem({ accountId })], ConsistentRead: true },
    ...(n > 1 && {
      [tables.ledger]: { Keys: Array.from({ length: n - 1 }, (_, j) => shardKey(accountId, j + 1)), ConsistentRead: true },
    }),
  }
  const found: Record<string, Item[]> = { [tables.accounts]: [], [tables.ledger]: [] }
  for (let round = 0; pending && Object.keys(pending).length > 0; round++) {
    if (round === MaxRounds) throw new Error(`balance shards of ${accountId}: keys still unprocessed after ${MaxRounds} rounds`)
    if (round > 0) await sleep(20 * 2 ** round)
    const out: BatchGetItemCommandOutput = await db.send(new BatchGetItemCommand({ RequestItems: pending }))
    for (const [table, items] of Object.entries(out.Responses ?? {})) found[table].push(...items)
    pending = out.UnprocessedKeys
  }
  return shardsOf(found[tables.accounts][0], found[tables.ledger], n)
}

/**
 * The same items in one TransactGetItems: an atomic snapshot, for the balance the API shows. It is
 * cancelled while a charge transaction holds one of the items, so it retries (bounded, with jitter).
 */
export async function snapshotShards(db: DynamoDBClient, tables: Tables, accountId: string, n: number): Promise<Shards> {
  const gets = [
    { Get: { TableName: tables.accounts, Key: toItem({ accountId }) } },
    ...Array.from({ length: n - 1 }, (_, j) => ({ Get: { TableName: tables.ledger, Key: shardKey(accountId, j + 1) } })),
  ]
  for (let attempt = 1; ; attempt++) {
    try {
      const out = await db.send(new TransactGetItemsCommand({ TransactItems: gets }))
      const items = (out.Responses ?? []).map((r) => r.Item)
      return shardsOf(
        items[0],
        items.slice(1).filter((i): i is Item => i !== undefined),
        n,
      )
    } catch (err) {
      const conflict = err instanceof TransactionCanceledException && reasonCodes(err).includes('TransactionConflict')
      if (!conflict || attempt >= 8) throw err
      await sleep(randomInt(5, 20 * attempt))
    }
  }
}
