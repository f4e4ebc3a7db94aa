import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import type { UsageRow } from '../../domain/model'
import type { UsageStore } from '../../ports'
import { Sk, upTo } from '../keys'
import { fromItem, queryAll, values } from './item'

/**
 * usage item: { accountId (pk), sk `<YYYY-MM-DD>#<tariff prefix>#<status>`, day, prefix, status,
 * country?, messages, parts, cost, refunds }. Counters only ever grow by ADD, so concurrent writers
 * (charges, refunds, finalised receipts) never lose an increment, and a missing row starts at zero.
 */
export const usageAdd = (table: string, row: UsageRow, shard = 0) => ({
  TableName: table,
  // Shard k > 0 adds `#<k>`: a busy account's charges spread over several counters (docs/PIPELINE.md), summed on read.
  Key: values({ accountId: row.accountId, sk: Sk.usage(row.day, row.prefix, row.status) + (shard > 0 ? `#${shard}` : '') }),
  UpdateExpression: `SET #day = :day, #prefix = :prefix, #status = :status${row.country !== undefined ? ', #country = :country' : ''} ADD #messages :messages, #parts :parts, #cost :cost, #refunds :refunds${row.partsSaved ? ', #saved :saved' : ''}`,
  ExpressionAttributeNames: {
    '#day': 'day',
    '#prefix': 'prefix',
    '#status': 'status',
    ...(row.country !== undefined ? { '#country': 'country' } : {}),
    '#messages': 'messages',
    '#parts': 'parts',
    '#cost': 'cost',
    '#refunds': 'refunds',
    ...(row.partsSaved ? { '#saved': 'partsSaved' } : {}), // issue 17: only rows that saved parts carry it
  },
  ExpressionAttributeValues: values({
    ':day': row.day,
    ':prefix': row.prefix,
    ':status': row.status,
    ':country': row.country,
    ':messages': row.messages,
    ':parts': row.parts,
    ':cost': row.cost,
    ':refunds': row.refunds,
    ':saved': row.partsSaved || undefined,
  }),
})

export function dynamoUsage(db: DynamoDBClient, table: string): UsageStore {
  return {
    async add(row) {
      await db.send(new UpdateItemCommand(usageAdd(table, row)))
    },
    async query(accountId, fromDay, toDay) {
      const items = await queryAll(db, {
        TableName: table,
        KeyConditionExpression: 'accountId = :a AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: values({ ':a': accountId, ':from': fromDay, ':to': upTo(toDay) }),
      })
      // The shards of one counter (usageAdd) come back as one row.
      const rows = new Map<string, UsageRow>()
      for (const row of items.map((i) => fromItem<UsageRow>(i, ['sk']))) {
        const key = Sk.usage(row.day, row.prefix, row.status)
        const cur = rows.get(key)
        if (!cur) rows.set(key, row)
        else {
          cur.messages += row.messages
          cur.parts += row.parts
          cur.cost += row.cost
          cur.refunds += row.refunds
          if (row.partsSaved) cur.partsSaved = (cur.partsSaved ?? 0) + row.partsSaved
          if (row.country !== undefined) cur.country = row.country
        }
      }
      return [...rows.values()]
    },
  }
}
