import { createHash } from 'node:crypto'
import { ConditionalCheckFailedException, type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import type { MessageRecord } from '../../domain/model'
import type { AmendCondition, AmendPatch } from '../../ports'
import { type Item, queryPage, toItem, values } from './item'

/**
 * The messages table's byDue index (lib/resources.ts): partition `dueShard` = DUE#<0..DueShards-1> by a hash of the
 * messageId, sort `dueAt` (ISO, so text order is time order). Sparse: only a record with a dueAt is in it, written in
 * the same item as the record (the charge transaction, a cancel, a replace), so no due work can be lost between two
 * writes. Shards spread the index's writes over partitions; the sweep reads each with one Query.
 */
export const DueShards = 4
export const dueShard = (messageId: string) => `DUE#${createHash('sha256').update(messageId).digest().readUInt8(0) % DueShards}`

/** The index attributes of a record's dueAt (none when it has none). */
export const dueAttrs = (m: Pick<MessageRecord, 'messageId' | 'dueAt'>) => (m.dueAt ? { dueShard: dueShard(m.messageId) } : {})

/** Records whose dueAt <= now: one Query per shard (keys only), then the items by key. */
export async function queryDue(db: DynamoDBClient, table: string, nowIso: string, limit: number): Promise<string[]> {
  const pages = await Promise.all(
    Array.from({ length: DueShards }, (_, k) =>
      queryPage(
        db,
        {
          TableName: table,
          IndexName: 'byDue',
          KeyConditionExpression: 'dueShard = :s AND dueAt <= :now',
          ExpressionAttributeValues: values({ ':s': `DUE#${k}`, ':now': nowIso }),
        },
        limit,
      ),
    ),
  )
  return pages.flatMap((p) => p.items.map((k) => k.messageId?.S ?? '')).filter(Boolean)
}

/** SET the defined fields, REMOVE those given as undefined, under the state (and replace count, cost) condition. */
export async function amendItem(db: DynamoDBClient, table: string, messageId: string, patch: AmendPatch, when: AmendCondition) {
  if (when.states.length === 0) return undefined
  const fields: Record<string, unknown> = { ...patch }
  if ('dueAt' in patch) fields.dueShard = patch.dueAt ? dueShard(messageId) : undefined
  const entries = Object.entries(fields)
  const set = entries.filter(([, v]) => v !== undefined)
  const remove = entries.filter(([, v]) => v === undefined)
  const names: Record<string, string> = { '#state': 'state' }
  const vals: Record<string, unknown> = {}
  set.forEach(([k, v], i) => {
    names[`#s${i}`] = k
    vals[`:s${i}`] = v
  })
  remove.forEach(([k], i) => {
    names[`#r${i}`] = k
  })
  when.states.forEach((s, i) => {
    vals[`:st${i}`] = s
  })
  const conditions = [`#state IN (${when.states.map((_, i) => `:st${i}`).join(', ')})`]
  if (when.replaced !== undefined) {
    names['#replaced'] = 'replaced'
    if (when.replaced === 0) conditions.push('attribute_not_exists(#replaced)')
    else {
      conditions.push('#replaced = :replaced')
      vals[':replaced'] = when.replaced
    }
  }
  if (when.cost !== undefined) {
    names['#cost'] = 'cost'
    vals[':cost'] = when.cost
    conditions.push('#cost = :cost')
  }
  const clauses = [
    set.length ? `SET ${set.map((_, i) => `#s${i} = :s${i}`).join(', ')}` : '',
    remove.length ? `REMOVE ${remove.map((_, i) => `#r${i}`).join(', ')}` : '',
  ]
  try {
    const out = await db.send(
      new UpdateItemCommand({
        TableName: table,
        Key: toItem({ messageId }),
        UpdateExpression: clauses.filter(Boolean).join(' '),
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values(vals),
        ReturnValues: 'ALL_NEW',
      }),
    )
    return out.Attributes as Item | undefined
  } catch (err) {
    // The message moved on (released, cancelled, replaced by another request): nothing to amend.
    if (err instanceof ConditionalCheckFailedException) return undefined
    throw err
  }
}
