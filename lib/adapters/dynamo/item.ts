import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb'
import { decodeCursor, encodeCursor, InvalidCursor } from '../keys'

/**
 * Small mappers between plain JSON-like values and DynamoDB attribute values (@aws-sdk/util-dynamodb
 * is not installed). Numbers are integers or plain decimals here (money is integer minor units), so
 * the N string round-trips through Number exactly. Undefined fields are left out, as marshall does.
 */
export type Item = Record<string, AttributeValue>

export function toAttr(value: unknown): AttributeValue {
  if (value === null) return { NULL: true }
  switch (typeof value) {
    case 'string':
      return { S: value }
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot store ${value}`)
      return { N: String(value) }
    case 'boolean':
      return { BOOL: value }
    case 'object':
      return Array.isArray(value) ? { L: value.map(toAttr) } : { M: toItem(value as Record<string, unknown>) }
    default:
      throw new TypeError(`cannot store a ${typeof value}`)
  }
}

export function toItem(obj: Record<string, unknown>): Item {
  const item: Item = {}
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) item[k] = toAttr(v)
  return item
}

export function fromAttr(a: AttributeValue): unknown {
  if (a.S !== undefined) return a.S
  if (a.N !== undefined) return Number(a.N)
  if (a.BOOL !== undefined) return a.BOOL
  if (a.NULL) return null
  if (a.L) return a.L.map(fromAttr)
  if (a.M) return fromItem(a.M)
  if (a.SS) return a.SS
  if (a.NS) return a.NS.map(Number)
  throw new TypeError('unsupported attribute type')
}

/** The item's attributes minus the table's key and bookkeeping attributes in `drop`. */
export function fromItem<T = Record<string, unknown>>(item: Item, drop: readonly string[] = []): T {
  const obj: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(item)) if (!drop.includes(k)) obj[k] = fromAttr(v)
  return obj as T
}

/** Expression attribute values from a plain object: `{ ':cost': 5 }`. */
export const values = (obj: Record<string, unknown>): Item => toItem(obj)

const MaxRounds = 5

/**
 * BatchGetItem with the retry DynamoDB asks for: unprocessed keys come back under throttling and
 * are requested again (bounded, with a short backoff). Keys go in chunks of 100, the API's limit.
 */
export async function batchGet(db: DynamoDBClient, table: string, keys: Item[], consistent = false): Promise<Item[]> {
  const found: Item[] = []
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Item[] | undefined = keys.slice(i, i + 100)
    for (let round = 0; pending?.length; round++) {
      if (round === MaxRounds) throw new Error(`batchGet ${table}: keys still unprocessed after ${MaxRounds} rounds`)
      if (round > 0) await sleep(20 * 2 ** round)
      const out: BatchGetItemCommandOutput = await db.send(
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: consistent } } }),
      )
      found.push(...(out.Responses?.[table] ?? []))
      pending = out.UnprocessedKeys?.[table]?.Keys
    }
  }
  return found
}

/** One page of a Query; the cursor is base64url JSON of LastEvaluatedKey. */
export async function queryPage(db: DynamoDBClient, input: QueryCommandInput, limit: number, cursor?: string) {
  const out = await db
    .send(new QueryCommand({ ...input, Limit: Math.max(1, limit), ExclusiveStartKey: decodeCursor<Item>(cursor) }))
    .catch((err: unknown) => {
      // A well-formed cursor naming another key schema: the caller's input is wrong, not the table.
      if (cursor && err instanceof Error && err.name === 'ValidationException') throw new InvalidCursor()
      throw err
    })
  return { items: out.Items ?? [], cursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey) : undefined }
}

/**
 * Every item of a Query (small partitions: stop words, sessions, a usage range), following
 * LastEvaluatedKey a bounded number of pages so a runaway partition cannot loop forever.
 */
export async function queryAll(db: DynamoDBClient, input: QueryCommandInput, maxPages = 50): Promise<Item[]> {
  const items: Item[] = []
  let start: Item | undefined
  for (let page = 0; page < maxPages; page++) {
    const out = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: start }))
    items.push(...(out.Items ?? []))
    if (!(start = out.LastEvaluatedKey)) return items
  }
  throw new Error(`query ${input.TableName}: more than ${maxPages} pages`)
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Cancellation reason codes of a TransactWriteItems, in the order of its items. */
export const reasonCodes = (err: TransactionCanceledException) => (err.CancellationReasons ?? []).map((r) => r.Code ?? 'None')

/**
 * Runs a transaction, retrying (bounded, with jitter) when it lost a race with another transaction
 * on the same items (`TransactionConflict`): the next attempt re-evaluates every condition, which is
 * what decides who gets the last of a balance.
 */
export async function transact<T>(run: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (err) {
      const conflict = err instanceof TransactionCanceledException && reasonCodes(err).some((c) => c === 'TransactionConflict')
      const onlyConflict =
        conflict && reasonCodes(err as TransactionCanceledException).every((c) => c === 'TransactionConflict' || c === 'None')
      if (!onlyConflict || attempt >= attempts) throw err
      await sleep(5 + Math.random() * 20 * attempt)
    }
  }
}
