import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb'
import type { Decision, Ledger } from '../../ports'
import { Day, Pk, upTo } from '../keys'
import { ledgerPut } from './accounts'
import { anyShard, shardMove } from './balance'
import { batchCharger } from './charge-batch'
import { batchGet, fromItem, type Item, queryPage, reasonCodes, toItem, transact, values } from './item'
import { usageAdd } from './usage'

/**
 * guards items written here: decision { pk DECISION#<messageId>, messageId, status, decidedAt, expiresAt },
 * refund { pk REFUND#<messageId>, expiresAt }, and the duplicate fingerprint { pk <charge.duplicate.key>, expiresAt }.
 */
type Tables = { accounts: string; messages: string; ledger: string; usage: string; guards: string }
const Failed = 'ConditionalCheckFailed'

const toDecision = (item: Item) => fromItem<Decision>(item, ['pk', 'expiresAt'])

export function dynamoLedger(
  db: DynamoDBClient,
  tables: Tables,
  opts: { now: () => Date; retentionDays: number; balanceShards: number },
): Ledger {
  const chargeBatch = batchCharger(db, tables, opts)
  const nowSec = () => Math.floor(opts.now().getTime() / 1000)
  const decision = async (messageId: string) => {
    const out = await db.send(
      new GetItemCommand({ TableName: tables.guards, Key: toItem({ pk: Pk.decision(messageId) }), ConsistentRead: true }),
    )
    return out.Item && toDecision(out.Item)
  }
  const decisionPut = (d: Decision, expiresAt: number): TransactWriteItem => ({
    Put: {
      TableName: tables.guards,
      Item: toItem({ pk: Pk.decision(d.messageId), ...d, expiresAt }),
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  })
  /** The decision that beat us: from the cancellation reason when DynamoDB returns it, else read. */
  const winner = async (messageId: string, item?: Item) => (item?.status ? toDecision(item) : await decision(messageId))

  return {
    decision,
    async decide(d, expiresAt) {
      try {
        await db.send(new PutItemCommand({ ...decisionPut(d, expiresAt).Put!, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }))
        return { result: 'recorded' }
      } catch (err) {
        // First writer wins: the pipeline's verdict or the node's deadline refusal, whichever came first.
        if (!(err instanceof ConditionalCheckFailedException)) throw err
        const existing = await winner(d.messageId, err.Item)
        if (!existing) throw err
        return { result: 'already-decided', decision: existing }
      }
    },
    async decisions(messageIds) {
      const keys = [...new Set(messageIds)].map((id) => toItem({ pk: Pk.decision(id) }))
      const found = await batchGet(db, tables.guards, keys, true)
      return new Map(found.map((item) => [String(item.messageId?.S), toDecision(item)]))
    },
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
                    ConditionExpression: 'attribute_exists(messageId)',
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
