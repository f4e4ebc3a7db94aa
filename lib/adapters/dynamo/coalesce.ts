import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { batchGet, type Item } from './item'

/**
 * Issue 12 ("every hop batches"): the single-item reads that a Lambda batch's records (run at once,
 * functions/batch.ts) make in the same turn of the event loop go out as ONE BatchGetItem (up to 100 keys), instead
 * of one GetItem each. Each caller still gets its own answer, or its own error: a failed request rejects every
 * caller that shared it, as its own request would have failed. What DynamoDB bills does not change (a BatchGetItem
 * reads each item at the GetItem price); the round trips do, and so does DynamoDB Local's per-request cost, which
 * bounds the local stack's rate (docs/PERFORMANCE.md). (The node's removals of delivered receipts are batched per
 * read of deliver_sm_resp instead: smpp-node/bridge/pending-removals.ts.)
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
