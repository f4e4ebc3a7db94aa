import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import type { Guards } from '../../ports'
import { toItem, values } from './item'

/**
 * guards item: { pk <key>, expiresAt (TTL, epoch seconds) }. Keys are given whole by the caller
 * (DISPATCH#<messageId>#<attempt>, RECEIPT#<messageId>#<state>, ...). An expired key counts as free
 * even before TTL removes it, since DynamoDB deletes expired items only eventually.
 */
export function dynamoGuards(db: DynamoDBClient, table: string, now: () => Date): Guards {
  return {
    async once(key, expiresAt) {
      try {
        await db.send(
          new PutItemCommand({
            TableName: table,
            Item: toItem({ pk: key, expiresAt }),
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: values({ ':now': Math.floor(now().getTime() / 1000) }),
          }),
        )
        return true
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false
        throw err
      }
    },
    async release(key) {
      await db.send(new DeleteItemCommand({ TableName: table, Key: toItem({ pk: key }) }))
    },
    async confirm(key, expiresAt) {
      try {
        await db.send(
          new UpdateItemCommand({
            TableName: table,
            Key: toItem({ pk: key }),
            UpdateExpression: 'SET expiresAt = :e',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: values({ ':e': expiresAt }),
          }),
        )
      } catch (err) {
        // Released or expired meanwhile: nothing to keep.
        if (!(err instanceof ConditionalCheckFailedException)) throw err
      }
    },
  }
}
