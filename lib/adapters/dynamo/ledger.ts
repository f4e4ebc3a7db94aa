import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb'
import type { ChargeResult, Decision, Ledger } from '../../ports'
import { Day, Pk, upTo } from '../keys'
import { balanceMove, ledgerPut } from './accounts'
import { fromItem, type Item, queryPage, reasonCodes, toItem, transact, values } from './item'
import { messageItem } from './messages'
import { usageAdd } from './usage'

/**
 * guards items written here: decision { pk DECISION#<messageId>, messageId, status, decidedAt, expiresAt },
 * refund { pk REFUND#<messageId>, expiresAt }, and the duplicate fingerprint { pk <charge.duplicate.key>, expiresAt }.
 */
type Tables = { accounts: string; messages: string; ledger: string; usage: string; guards: string }
const Failed = 'ConditionalCheckFailed'

const toDecision = (item: Item) => fromItem<Decision>(item, ['pk', 'expiresAt'])

export function dynamoLedger(db: DynamoDBClient, tables: Tables, opts: { now: () => Date; retentionDays: number }): Ledger {
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
    async chargeOnce(charge): Promise<ChargeResult> {
      const { message, entry, duplicate } = charge
      if (entry.amount !== -message.cost) throw new Error(`charge ${message.messageId}: entry amount must be minus the message cost`)
      const { accountId, tariffPrefix: prefix, country, parts, cost } = message
      const items: TransactWriteItem[] = [
        decisionPut({ messageId: message.messageId, status: 0, decidedAt: entry.at }, charge.decisionExpiresAt),
        {
          Update: {
            ...balanceMove(tables, accountId, -cost).Update,
            // headroom = balance + creditLimit (see accounts.ts): the balance may go below zero down to -creditLimit.
            ConditionExpression: 'attribute_exists(accountId) AND #headroom >= :cost',
            ExpressionAttributeValues: values({ ':amount': -cost, ':cost': cost }),
          },
        },
        {
          Put: {
            TableName: tables.messages,
            Item: messageItem(message, opts.retentionDays),
            ConditionExpression: 'attribute_not_exists(messageId)',
          },
        },
        {
          Update: usageAdd(tables.usage, {
            accountId,
            day: charge.usageDay,
            prefix,
            country,
            status: 'CHARGED',
            messages: 1,
            parts,
            cost,
            refunds: 0,
          }),
        },
        ledgerPut(tables.ledger, entry),
      ]
      if (duplicate) {
        items.push({
          Put: {
            TableName: tables.guards,
            Item: toItem({ pk: duplicate.key, expiresAt: duplicate.expiresAt }),
            // An expired fingerprint may still be there (TTL deletes lazily): it no longer counts.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: values({ ':now': nowSec() }),
          },
        })
      }
      try {
        await transact(() => db.send(new TransactWriteItemsCommand({ TransactItems: items })))
        return { result: 'charged' }
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err
        const codes = reasonCodes(err)
        // Same precedence as the memory adapter: an earlier decision, then the window, then the balance.
        if (codes[0] === Failed) {
          const existing = await winner(message.messageId, err.CancellationReasons?.[0]?.Item)
          if (existing) return { result: 'already-decided', decision: existing }
        }
        if (duplicate && codes[5] === Failed) return { result: 'duplicate' }
        if (codes[1] === Failed) return { result: 'insufficient-funds' }
        throw err
      }
    },
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
                balanceMove(tables, entry.accountId, entry.amount),
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
