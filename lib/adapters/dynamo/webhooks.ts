import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import { epochSec } from '../../domain/ids'
import { PartPrefix, type WebhookEvent, type WebhookStore } from '../../ports'
import { fromItem, queryPage, toItem, values } from './item'

/**
 * webhooks item: { accountId (pk), eventId (sk), ...WebhookEvent, validUntilMs, expiresAt (TTL = validUntil) }.
 * One item per event for its whole validity: the sender counts attempts on it, the API lists and replays it.
 */
const Bookkeeping = ['validUntilMs', 'expiresAt']

export function dynamoWebhooks(db: DynamoDBClient, table: string): WebhookStore {
  const key = (accountId: string, eventId: string) => toItem({ accountId, eventId })
  return {
    async put(event) {
      const validUntilMs = Date.parse(event.validUntil)
      try {
        await db.send(
          new PutItemCommand({
            TableName: table,
            Item: toItem({ ...event, validUntilMs, expiresAt: epochSec(new Date(validUntilMs)) }),
            ConditionExpression: 'attribute_not_exists(eventId)',
          }),
        )
        return true
      } catch (err) {
        // The pipeline's retry of the same receipt: the event is there already.
        if (err instanceof ConditionalCheckFailedException) return false
        throw err
      }
    },
    async get(accountId, eventId) {
      const out = await db.send(new GetItemCommand({ TableName: table, Key: key(accountId, eventId), ConsistentRead: true }))
      return out.Item && fromItem<WebhookEvent>(out.Item, Bookkeeping)
    },
    async list(accountId, now, limit, cursor) {
      const page = await queryPage(
        db,
        {
          TableName: table,
          KeyConditionExpression: 'accountId = :a',
          // TTL deletes only eventually; an expired event is gone for the API at once.
          // Part collectors (eventId part#...) have no createdAt; a filter may not name the sort key itself.
          FilterExpression: 'validUntilMs > :now AND attribute_exists(createdAt)',
          ExpressionAttributeValues: values({ ':a': accountId, ':now': now.getTime() }),
        },
        limit,
        cursor,
      )
      return { items: page.items.map((i) => fromItem<WebhookEvent>(i, Bookkeeping)), cursor: page.cursor }
    },
    async recordAttempt(accountId, eventId, attempt) {
      const delivered = attempt.delivered ? ', deliveredAt = if_not_exists(deliveredAt, :at)' : ''
      await db
        .send(
          new UpdateItemCommand({
            TableName: table,
            Key: key(accountId, eventId),
            UpdateExpression: `SET lastAttemptAt = :at, lastStatus = :s${delivered} ADD attempts :one`,
            ConditionExpression: 'attribute_exists(eventId)',
            ExpressionAttributeValues: values({ ':at': attempt.at, ':s': attempt.status, ':one': 1 }),
          }),
        )
        .catch((err) => {
          // Expired and deleted by TTL meanwhile: nothing left to count on.
          if (!(err instanceof ConditionalCheckFailedException)) throw err
        })
    },
    async addPart(accountId, part) {
      // One attribute per part (p1, p2, ...): each UpdateItem is atomic, so the write that adds the last missing part
      // sees them all in ALL_NEW, whatever order the DLR invocations ran in.
      const validUntilMs = Date.parse(part.validUntil)
      const out = await db.send(
        new UpdateItemCommand({
          TableName: table,
          Key: key(accountId, `${PartPrefix}${part.key}`),
          UpdateExpression: 'SET #p = :p, validUntilMs = :v, expiresAt = :e',
          ExpressionAttributeNames: { '#p': `p${part.seq}` },
          ExpressionAttributeValues: values({ ':p': part.payload, ':v': validUntilMs, ':e': epochSec(new Date(validUntilMs)) }),
          ReturnValues: 'ALL_NEW',
        }),
      )
      const all = Array.from({ length: part.total }, (_, i) => out.Attributes?.[`p${i + 1}`]?.S)
      return all.every((p) => p !== undefined) ? (all as string[]) : undefined
    },
  }
}
