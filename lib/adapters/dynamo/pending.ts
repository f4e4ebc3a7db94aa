import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import { epochSec } from '../../domain/ids'
import type { PendingDelivery } from '../../domain/model'
import type { PendingStore } from '../../ports'
import { Sk } from '../keys'
import { batchWriteAll } from './batch-write'
import { fromItem, type Item, toItem, values } from './item'

/**
 * pending item: { accountId (pk), sk `<createdAt ISO>#<deliveryId>`, ...PendingDelivery, validUntilMs,
 * expiresAt (TTL = validUntil in epoch seconds), claimedBy?, claimUntil? (epoch ms) }.
 * The sort key orders receipts and MO oldest first; a claim is a lease a node holds while the
 * deliver_sm is in flight, so two nodes binding the same account never send the same item.
 */
const Bookkeeping = ['sk', 'validUntilMs', 'expiresAt', 'claimedBy', 'claimUntil']
const MaxPages = 20

/** `OR claimedBy IN (...)` and its values: claims of node processes known dead are free (issue 18). */
function takeOverClause(takeOver: readonly string[] = []): { clause: string; vals: Record<string, string> } {
  if (takeOver.length === 0) return { clause: '', vals: {} }
  const vals = Object.fromEntries(takeOver.map((t, i) => [`:dead${i}`, t]))
  return { clause: ` OR claimedBy IN (${Object.keys(vals).join(', ')})`, vals }
}

/** The item `add` puts, also a transaction item (./effects.ts), and its sort key. */
export function pendingPut(table: string, { claim, ...item }: PendingDelivery) {
  const sk = Sk.pending(item.createdAt, item.deliveryId)
  const validUntilMs = Date.parse(item.validUntil)
  // TTL a day after the validity: the expiry sweep (dropExpired) ends the item first and counts it (issue 13).
  const expiresAt = epochSec(new Date(item.validUntil)) + ExpiredGraceSec
  const claimed = claim ? { claimedBy: claim.by, claimUntil: claim.untilMs } : {}
  return { sk, put: { TableName: table, Item: toItem({ ...item, sk, validUntilMs, expiresAt, ...claimed }) } }
}

/** How long an expired item waits for the sweep before TTL deletes it uncounted (the sweep runs every minute). */
export const ExpiredGraceSec = 86_400

export function dynamoPending(db: DynamoDBClient, table: string, now: () => Date): PendingStore {
  const key = (accountId: string, sk: string) => toItem({ accountId, sk })
  return {
    async add(item) {
      const { sk, put } = pendingPut(table, item)
      await db.send(new PutItemCommand(put))
      return sk
    },
    async list(accountId, at, limit, takeOver) {
      const dead = takeOverClause(takeOver)
      const found: Array<PendingDelivery & { sk: string }> = []
      let start: Item | undefined
      // The filter applies after Limit, so read pages until enough pass it (bounded).
      for (let page = 0; page < MaxPages && found.length < limit; page++) {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'accountId = :a',
            FilterExpression: `validUntilMs > :now AND (attribute_not_exists(claimUntil) OR claimUntil < :now${dead.clause})`,
            ExpressionAttributeValues: values({ ':a': accountId, ':now': at.getTime(), ...dead.vals }),
            ScanIndexForward: true,
            Limit: Math.max(limit, 25),
            ExclusiveStartKey: start,
            ConsistentRead: true,
          }),
        )
        for (const i of out.Items ?? []) found.push({ ...fromItem<PendingDelivery>(i, Bookkeeping), sk: i.sk.S! })
        if (!(start = out.LastEvaluatedKey)) break
      }
      return found.slice(0, Math.max(1, limit))
    },
    async claim(accountId, sk, nodeId, untilMs, takeOver) {
      const dead = takeOverClause(takeOver)
      try {
        await db.send(
          new UpdateItemCommand({
            TableName: table,
            Key: key(accountId, sk),
            UpdateExpression: 'SET claimedBy = :node, claimUntil = :until',
            ConditionExpression: `attribute_exists(sk) AND (attribute_not_exists(claimUntil) OR claimUntil < :now${dead.clause})`,
            ExpressionAttributeValues: values({ ':node': nodeId, ':until': untilMs, ':now': now().getTime(), ...dead.vals }),
          }),
        )
        return true
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false
        throw err
      }
    },
    async unclaim(accountId, sk) {
      try {
        await db.send(
          new UpdateItemCommand({
            TableName: table,
            Key: key(accountId, sk),
            UpdateExpression: 'REMOVE claimedBy, claimUntil',
            ConditionExpression: 'attribute_exists(sk)',
          }),
        )
      } catch (err) {
        // Already delivered and removed: nothing to release.
        if (!(err instanceof ConditionalCheckFailedException)) throw err
      }
    },
    async remove(accountId, sk) {
      await db.send(new DeleteItemCommand({ TableName: table, Key: key(accountId, sk) }))
    },
    async removeMany(keys) {
      await batchWriteAll(
        db,
        table,
        keys.map((k) => ({ DeleteRequest: { Key: key(k.accountId, k.sk) } })),
        'pending',
      )
    },
    async dropExpired(accountId, at, limit) {
      // Oldest first: an account's items expire roughly in their arrival order, so its expired ones lead its partition.
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'accountId = :a',
          FilterExpression: 'validUntilMs <= :now',
          ExpressionAttributeValues: values({ ':a': accountId, ':now': at.getTime() }),
          ScanIndexForward: true,
          Limit: limit,
          ConsistentRead: true,
        }),
      )
      const dropped: Array<PendingDelivery & { sk: string }> = []
      for (const i of out.Items ?? []) {
        try {
          await db.send(
            new DeleteItemCommand({
              TableName: table,
              Key: key(accountId, i.sk.S!),
              ConditionExpression: 'validUntilMs <= :now AND (attribute_not_exists(claimUntil) OR claimUntil < :now)',
              ExpressionAttributeValues: values({ ':now': at.getTime() }),
            }),
          )
          dropped.push({ ...fromItem<PendingDelivery>(i, Bookkeeping), sk: i.sk.S! })
        } catch (err) {
          // Delivered, claimed by a node delivering it now, or dropped by another sweep: not ours to count.
          if (!(err instanceof ConditionalCheckFailedException)) throw err
        }
      }
      return dropped
    },
  }
}
