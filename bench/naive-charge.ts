import {
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb'
import { round } from './stats'

/**
 * The ceiling a per-message design hits: DynamoDB Local's rate of naive charges on ONE account item, each its
 * own TransactWriteItems (balance update with a condition + message put + usage counter), `concurrency`
 * at once, for `durationMs`. The pipeline's rate is read against it (`e2eVsNaiveCeiling`). Tables of its
 * own (`bench-naive-<tag>-*`), dropped afterwards.
 */
export interface NaiveFigures {
  concurrency: number
  committed: number
  conflicts: number
  chargesPerSec: number
}

const Price = 5

export async function naiveCharge(db: DynamoDBClient, opts: { concurrency?: number; durationMs?: number } = {}): Promise<NaiveFigures> {
  const concurrency = opts.concurrency ?? 32
  const durationMs = opts.durationMs ?? 10_000
  const tag = `bench-naive-${Date.now().toString(36)}`
  const t = { accounts: `${tag}-accounts`, messages: `${tag}-messages`, usage: `${tag}-usage` }
  const S = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const })
  const create = (TableName: string, keys: string[]) =>
    db.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map(S),
        KeySchema: keys.map((AttributeName, i) => ({ AttributeName, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      }),
    )
  await Promise.all([create(t.accounts, ['accountId']), create(t.messages, ['messageId']), create(t.usage, ['accountId', 'sk'])])
  for (const TableName of Object.values(t)) await waitUntilTableExists({ client: db, maxWaitTime: 60 }, { TableName })
  try {
    await db.send(
      new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName: t.accounts, Item: { accountId: { S: 'one' }, balance: { N: String(1e12) } } } }],
      }),
    )
    let committed = 0
    let conflicts = 0
    let n = 0
    const start = performance.now()
    const stopAt = start + durationMs
    const charge = (messageId: string) =>
      db.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: t.accounts,
                Key: { accountId: { S: 'one' } },
                UpdateExpression: 'SET balance = balance - :p',
                ConditionExpression: 'balance >= :p',
                ExpressionAttributeValues: { ':p': { N: String(Price) } },
              },
            },
            {
              Put: {
                TableName: t.messages,
                Item: { messageId: { S: messageId }, accountId: { S: 'one' }, cost: { N: String(Price) } },
                ConditionExpression: 'attribute_not_exists(messageId)',
              },
            },
            {
              Update: {
                TableName: t.usage,
                Key: { accountId: { S: 'one' }, sk: { S: '2026-12-01#44#ACCEPTED' } },
                UpdateExpression: 'ADD messages :one, cost :p',
                ExpressionAttributeValues: { ':one': { N: '1' }, ':p': { N: String(Price) } },
              },
            },
          ],
        }),
      )
    const worker = async () => {
      while (performance.now() < stopAt) {
        const id = `m${++n}`
        // A conflict with a concurrent transaction on the same item is retried, as a charging function would.
        for (;;) {
          try {
            await charge(id)
            committed++
            break
          } catch (err) {
            if (!(err instanceof TransactionCanceledException)) throw err
            conflicts++
            if (performance.now() >= stopAt) break
          }
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    const sec = (performance.now() - start) / 1000
    return { concurrency, committed, conflicts, chargesPerSec: round(committed / sec, 1) }
  } finally {
    await Promise.all(Object.values(t).map((TableName) => db.send(new DeleteTableCommand({ TableName })).catch(() => {})))
  }
}
