import { BatchWriteItemCommand, type BatchWriteItemCommandOutput, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb'
import { batchGet, type Item } from './item'

/**
 * Issue 12 ("every hop batches"): the single-item reads and deletes that a Lambda batch's records (run at once,
 * functions/batch.ts) or a node's deliveries make in the same turn of the event loop go out as ONE BatchGetItem
 * (up to 100 keys) or BatchWriteItem (up to 25 deletes), instead of one request each. Each caller still gets its
 * own answer, or its own error: a failed request rejects every caller that shared it, as its own request would
 * have failed. What DynamoDB bills does not change (a BatchGetItem reads each item at the GetItem price, a
 * BatchWriteItem deletes each at the DeleteItem price); the round trips do, and so does DynamoDB Local's
 * per-request cost, which bounds the local stack's rate (docs/PERFORMANCE.md).
 *
 * The turn is one setImmediate: callers that start together share a request; one that starts later waits for
 * no one. Key order does not matter: a key asked twice in one turn is read once.
 */
export function coalescedGet(db: DynamoDBClient, table: string, consistent: boolean): (key: Item) => Promise<Item | undefined> {
  let turn: Map<string, { key: Item; waiters: { ok: (i: Item | undefined) => void; fail: (e: unknown) => void }[] }> | undefined
  const flush = async (keys: NonNullable<typeof turn>) => {
    try {
      const found = new Map(
        (
          await batchGet(
            db,
            table,
            [...keys.values()].map((k) => k.key),
            consistent,
          )
        ).map((i) => [keyOf(i, keys), i]),
      )
      for (const [id, k] of keys) for (const w of k.waiters) w.ok(found.get(id))
    } catch (err) {
      for (const k of keys.values()) for (const w of k.waiters) w.fail(err)
    }
  }
  return (key) =>
    new Promise((ok, fail) => {
      if (!turn) {
        const mine = new Map()
        turn = mine
        setImmediate(() => {
          turn = undefined
          void flush(mine)
        })
      }
      const id = idOf(key)
      const entry = turn.get(id) ?? { key, waiters: [] }
      entry.waiters.push({ ok, fail })
      turn.set(id, entry)
    })
}

/** Deletes by key, coalesced per turn into BatchWriteItem requests of 25 (the API's limit), unprocessed ones retried. */
export function coalescedDelete(db: DynamoDBClient, table: string): (key: Item) => Promise<void> {
  let turn: { keys: Map<string, Item>; waiters: { ok: () => void; fail: (e: unknown) => void }[] } | undefined
  const flush = async (t: NonNullable<typeof turn>) => {
    try {
      const all = [...t.keys.values()]
      for (let i = 0; i < all.length; i += 25)
        await writeAll(
          db,
          table,
          all.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })),
        )
      for (const w of t.waiters) w.ok()
    } catch (err) {
      for (const w of t.waiters) w.fail(err)
    }
  }
  return (key) =>
    new Promise((ok, fail) => {
      if (!turn) {
        const mine = { keys: new Map(), waiters: [] }
        turn = mine
        setImmediate(() => {
          turn = undefined
          void flush(mine)
        })
      }
      turn.keys.set(idOf(key), key)
      turn.waiters.push({ ok, fail })
    })
}

const MaxRounds = 5

/** BatchWriteItem with DynamoDB's retry of unprocessed items (bounded, short backoff). */
async function writeAll(db: DynamoDBClient, table: string, requests: WriteRequest[]): Promise<void> {
  let pending: WriteRequest[] | undefined = requests
  for (let round = 0; pending?.length; round++) {
    if (round === MaxRounds) throw new Error(`batchWrite ${table}: items still unprocessed after ${MaxRounds} rounds`)
    if (round > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** round))
    const out: BatchWriteItemCommandOutput = await db.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }))
    pending = out.UnprocessedItems?.[table]
  }
}

// A key's identity: its attributes in name order (a key has one or two, each S or N here).
const idOf = (key: Item) =>
  Object.keys(key)
    .sort()
    .map((k) => `${k}=${JSON.stringify(key[k])}`)
    .join('\u0000')

/** The id of a found item: the key attributes the callers asked by (the first waiting key names them). */
function keyOf(item: Item, keys: Map<string, { key: Item }>): string {
  const names = Object.keys(keys.values().next().value!.key)
  return idOf(Object.fromEntries(names.map((n) => [n, item[n]])))
}
