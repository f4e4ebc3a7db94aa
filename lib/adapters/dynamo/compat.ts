import { type DynamoDBClient, QueryCommand, type WriteRequest } from '@aws-sdk/client-dynamodb'
import type { SessionObservation } from '../../domain/compat'
import type { CompatStore } from '../../ports'
import { Sk } from '../keys'
import { batchWriteAll } from './batch-write'
import { toItem, values } from './item'

/**
 * compat item: { accountId (pk), sk `<boundAt>#<nodeId>#<sessionId>`, obs (the observation as JSON), expiresAt }.
 * The observation is one JSON string: the report reads it whole, and its maps (data codings, timeline) vary per
 * ESME, so a document attribute would cost marshalling for nothing. Kept `retentionDays`.
 */
export function dynamoCompat(db: DynamoDBClient, table: string, retentionDays: number): CompatStore {
  return {
    async putSessions(sessions) {
      const requests: WriteRequest[] = sessions.map((o) => ({
        PutRequest: {
          Item: toItem({
            accountId: o.accountId,
            sk: Sk.compat(o.boundAt, o.nodeId, o.sessionId),
            obs: JSON.stringify(o),
            expiresAt: Math.floor(Date.parse(o.lastAt) / 1000) + retentionDays * 86_400,
          }),
        },
      }))
      await batchWriteAll(db, table, requests, 'compat')
    },
    async recentSessions(accountId, limit) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'accountId = :a',
          ExpressionAttributeValues: values({ ':a': accountId }),
          ScanIndexForward: false,
          Limit: Math.max(1, limit),
        }),
      )
      return (out.Items ?? []).map((i) => JSON.parse(i.obs?.S ?? '{}') as SessionObservation)
    },
  }
}
