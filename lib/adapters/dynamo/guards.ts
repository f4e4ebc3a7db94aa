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
 * guards item: { pk <key>, expiresAt (TTL, epoch seconds), done (set by confirm) }. Keys are given whole by the
 * caller (UPSTREAM#<messageId>#<attempt>, RECEIPT#<messageId>#<state>, ...). An expired key counts as free
 * even before TTL removes it, since DynamoDB deletes expired items only eventually. A refused take tells `held`
 * from `done` by the item the failed condition returns (no second read).
 */
export function dynamoGuards(db: DynamoDBClient, table: string, now: () => Date): Guards {
  return {
    async take(key, expiresAt) {
      try {
        await db.send(
          new PutItemCommand({
            TableName: table,
            Item: toItem({ pk: key, expiresAt }),
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: values({ ':now': Math.floor(now().getTime() / 1000) }),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        )
        return 'taken'
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err
        return err.Item?.done?.BOOL ? 'done' : 'held'
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
            UpdateExpression: 'SET expiresAt = :e, done = :done',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: values({ ':e': expiresAt, ':done': true }),
          }),
        )
      } catch (err) {
        // Released or expired meanwhile: nothing to keep.
        if (!(err instanceof ConditionalCheckFailedException)) throw err
      }
    },
  }
}
