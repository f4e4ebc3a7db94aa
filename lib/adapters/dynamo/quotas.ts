import { randomBytes } from 'node:crypto'
import { ConditionalCheckFailedException, type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import type { Quotas } from '../../ports/quotas'
import { toItem, values } from './item'

/**
 * Quotas in the guards table (lib/resources.ts):
 * - a window: { pk QUOTA#<key>, used, untilMs, expiresAt (TTL, epoch seconds) }; a grant is one conditional ADD;
 * - a sequence: { pk SEQ#<key>, next, salt }, no TTL (its numbers must never repeat); a block is one ADD.
 * One write per block, never one per message (docs/DESIGN.md rule 5).
 */
export function dynamoQuotas(db: DynamoDBClient, table: string): Quotas {
  const windowKey = (k: string) => toItem({ pk: `QUOTA#${k}` })

  // One ADD while `used + want <= limit`. The key names its window, so an item is never used past its time.
  const add = async (k: string, want: number, limit: number, untilMs: number): Promise<boolean> => {
    try {
      await db.send(
        new UpdateItemCommand({
          TableName: table,
          Key: windowKey(k),
          UpdateExpression: 'SET used = if_not_exists(used, :zero) + :want, untilMs = if_not_exists(untilMs, :until), expiresAt = :ttl',
          ConditionExpression: 'attribute_not_exists(used) OR used <= :room',
          ExpressionAttributeValues: values({
            ':zero': 0,
            ':want': want,
            ':until': untilMs,
            ':ttl': Math.ceil(untilMs / 1000) + 60,
            ':room': limit - want,
          }),
        }),
      )
      return true
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false
      throw err
    }
  }

  const usedOf = async (k: string, nowMs: number): Promise<number> => {
    const out = await db.send(new GetItemCommand({ TableName: table, Key: windowKey(k), ConsistentRead: true }))
    const item = out.Item
    return item === undefined || Number(item.untilMs?.N ?? 0) <= nowMs ? 0 : Number(item.used?.N ?? 0)
  }

  return {
    async take(k, want, limit, untilMs, nowMs) {
      // The caller puts the window's start in the key; the TTL only sweeps old windows. A window too full for the
      // whole block grants the room it has left, in two more rounds at most.
      let ask = Math.min(want, limit)
      for (let round = 0; round < 3 && ask > 0; round++) {
        if (await add(k, ask, limit, untilMs)) return ask
        ask = Math.min(ask, limit - (await usedOf(k, nowMs)))
      }
      return 0
    },
    async giveBack(k, amount, nowMs) {
      if (amount <= 0) return
      await db
        .send(
          new UpdateItemCommand({
            TableName: table,
            Key: windowKey(k),
            UpdateExpression: 'ADD used :minus',
            ConditionExpression: 'used >= :amount AND untilMs > :now',
            ExpressionAttributeValues: values({ ':minus': -amount, ':amount': amount, ':now': nowMs }),
          }),
        )
        .catch((err) => {
          if (!(err instanceof ConditionalCheckFailedException)) throw err
        })
    },
    async block(k, size) {
      const out = await db.send(
        new UpdateItemCommand({
          TableName: table,
          Key: toItem({ pk: `SEQ#${k}` }),
          UpdateExpression: 'SET salt = if_not_exists(salt, :salt) ADD #next :size',
          ExpressionAttributeNames: { '#next': 'next' },
          ExpressionAttributeValues: values({ ':salt': randomBytes(16).toString('hex'), ':size': size }),
          ReturnValues: 'ALL_NEW',
        }),
      )
      const next = Number(out.Attributes?.next?.N)
      return { start: next - size, salt: out.Attributes?.salt?.S ?? '' }
    },
  }
}
