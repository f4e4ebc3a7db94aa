import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  type KeysAndAttributes,
  QueryCommand,
  type QueryCommandInput,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb'
import { convertToAttr, convertToNative, marshall, unmarshall } from '@aws-sdk/util-dynamodb'
import { decodeCursor, encodeCursor, InvalidCursor } from '../keys'

/**
 * Plain JSON-like values <-> DynamoDB attribute values, by AWS's own marshaller (@aws-sdk/util-dynamodb).
 * Numbers are integers or plain decimals here (money is integer minor units), so they round-trip through Number
 * exactly; unmarshall refuses a number beyond Number.MAX_SAFE_INTEGER rather than losing digits. Undefined
 * fields are left out, at every depth.
 */
export type Item = Record<string, AttributeValue>

const Options = { removeUndefinedValues: true } as const

export function toAttr(value: unknown): AttributeValue {
  // DynamoDB would refuse "NaN" or "Infinity" at write time; say which value it was here.
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`cannot store ${value}`)
  return convertToAttr(value, Options)
}

export const toItem = (obj: Record<string, unknown>): Item => marshall(obj, Options) as Item

export const fromAttr = (a: AttributeValue): unknown => convertToNative(a)

/** The item's attributes minus the table's key and bookkeeping attributes in `drop`. */
export function fromItem<T = Record<string, unknown>>(item: Item, drop: readonly string[] = []): T {
  const obj = unmarshall(item) as Record<string, unknown>
  for (const k of drop) delete obj[k]
  return obj as T
}

/** Expression attribute values from a plain object: `{ ':cost': 5 }`. */
export const values = (obj: Record<string, unknown>): Item => toItem(obj)

const MaxRounds = 5

/**
 * BatchGetItem with the retry DynamoDB asks for: unprocessed keys come back under throttling and
 * are requested again (bounded, with a short backoff). Keys go in chunks of 100, the API's limit.
 */
export async function batchGet(
  db: DynamoDBClient,
  table: string,
  keys: Item[],
  consistent = false,
  projection: Pick<KeysAndAttributes, 'ProjectionExpression' | 'ExpressionAttributeNames'> = {},
): Promise<Item[]> {
  const found: Item[] = []
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Item[] | undefined = keys.slice(i, i + 100)
    for (let round = 0; pending?.length; round++) {
      if (round === MaxRounds) throw new Error(`batchGet ${table}: keys still unprocessed after ${MaxRounds} rounds`)
      if (round > 0) await sleep(20 * 2 ** round)
      const out: BatchGetItemCommandOutput = await db.send(
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: consistent, ...projection } } }),
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
