import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb'
import type { Ledger } from '../../ports'
import { Day, Pk, upTo } from '../keys'
import { ledgerPut } from './accounts'
import { anyShard, shardMove } from './balance'
import { batchCharger } from './charge-batch'
import { decisionPut, readDecision, readDecisions, toDecision } from './decision-item'
import { fromItem, queryPage, reasonCodes, toItem, transact, values } from './item'
import type { RecentShards } from './recent-shards'
import { usageAdd } from './usage'

/**
 * guards items written here: refund { pk REFUND#<messageId>, expiresAt }. A message id's decision lives on its
 * messages-table item (./decision-item.ts); the charge's items are in ./charge-batch.ts.
 */
type Tables = { accounts: string; messages: string; ledger: string; usage: string; guards: string }
const Failed = 'ConditionalCheckFailed'

export function dynamoLedger(
  db: DynamoDBClient,
  tables: Tables,
  opts: { now: () => Date; retentionDays: number; balanceShards: number; recent?: RecentShards },
): Ledger {
  const chargeBatch = batchCharger(db, tables, opts)
  const nowSec = () => Math.floor(opts.now().getTime() / 1000)
  const decision = (messageId: string) => readDecision(db, tables.messages, messageId)

  return {
    decision,
    async decide(d, expiresAt) {
      try {
        await db.send(new PutItemCommand(decisionPut(tables.messages, d, expiresAt)))
        return { result: 'recorded' }
      } catch (err) {
        // First writer wins: the pipeline's verdict (its record or its refusal) or the node's deadline refusal.
        if (!(err instanceof ConditionalCheckFailedException)) throw err
        const existing = err.Item ? toDecision(err.Item) : await decision(d.messageId)
        if (!existing) throw err
        return { result: 'already-decided', decision: existing }
      }
    },
    decisions: (messageIds) => readDecisions(db, tables.messages, messageIds),
    async chargeOnce(charge) {
      return (await chargeBatch([charge]))[0]
    },
    chargeBatch,
    async refundOnce(refund) {
      const { entry } = refund
      try {
        await transact(() =>
          db.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: tables.guards,
                    Item: toItem({ pk: Pk.refund(refund.messageId), expiresAt: nowSec() + opts.retentionDays * Day }),
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                // Back into any shard: refunds must not all land on the account item.
                shardMove(tables, entry.accountId, anyShard(opts.balanceShards), entry.amount),
                ledgerPut(tables.ledger, entry),
                {
                  Update: {
                    TableName: tables.messages,
                    Key: toItem({ messageId: refund.messageId }),
                    UpdateExpression: 'SET refunded = :true',
                    // A record, not a decision-only item on the same key (./decision-item.ts).
                    ConditionExpression: 'attribute_exists(#state)',
                    ExpressionAttributeNames: { '#state': 'state' },
                    ExpressionAttributeValues: values({ ':true': true }),
                  },
                },
                { Update: usageAdd(tables.usage, { ...refund.usage, messages: 0, parts: 0, cost: 0 }) },
              ],
            }),
          ),
        )
        return 'refunded'
      } catch (err) {
        if (err instanceof TransactionCanceledException && reasonCodes(err)[0] === Failed) return 'already-refunded'
        throw err
      }
    },
    async entries(accountId, fromIso, toIso, limit, cursor) {
      const page = await queryPage(
        db,
        {
          TableName: tables.ledger,
          KeyConditionExpression: 'accountId = :a AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: values({ ':a': accountId, ':from': fromIso, ':to': upTo(toIso) }),
        },
        limit,
        cursor,
      )
      return { items: page.items.map((i) => fromItem(i, ['sk'])), ...(page.cursor ? { cursor: page.cursor } : {}) }
    },
  }
}
