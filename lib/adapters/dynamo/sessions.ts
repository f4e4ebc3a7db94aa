import { DeleteItemCommand, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb'
import type { SessionEntry } from '../../domain/model'
import type { SessionRegistry } from '../../ports'
import { Sk } from '../keys'
import { fromItem, queryAll, toItem, values } from './item'

/**
 * sessions item: { accountId (pk), sk `<nodeId>#<sessionId>`, ...SessionEntry } with expiresAt as the
 * TTL. A heartbeat re-puts the entry with a later expiresAt; a crashed node's entries simply expire.
 */
export function dynamoSessions(db: DynamoDBClient, table: string): SessionRegistry {
  return {
    async put(entry) {
      await db.send(new PutItemCommand({ TableName: table, Item: toItem({ ...entry, sk: Sk.session(entry.nodeId, entry.sessionId) }) }))
    },
    async remove(accountId, nodeId, sessionId) {
      await db.send(new DeleteItemCommand({ TableName: table, Key: toItem({ accountId, sk: Sk.session(nodeId, sessionId) }) }))
    },
    async list(accountId, nowSec) {
      // TTL deletion lags by up to days: filter expired entries on read.
      const items = await queryAll(db, {
        TableName: table,
        KeyConditionExpression: 'accountId = :a',
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeValues: values({ ':a': accountId, ':now': nowSec }),
      })
      return items.map((i) => fromItem<SessionEntry>(i, ['sk']))
    },
  }
}
