import { BatchExecuteStatementCommand, BatchWriteItemCommand, CreateTableCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import { LocalCredentials, LocalRegion, localDynamoClient } from '../infra/local/clients'
import { startDynamo } from '../infra/local/dynamo'
import { descendants } from '../test/e2e/stack'
import { TicksPerSec, ticksOf } from './proc-cpu'

/**
 * Does DynamoDB Local's JVM pay per request or per item written (issue 12, lane `requests`)? The same conditional
 * update of a 400-byte item (dispatch's lease: SET a number while the state is ACCEPTED and the old lease lapsed),
 * `items` times, 10 at a time: as 10 concurrent UpdateItem requests, and as ONE PartiQL BatchExecuteStatement of 10.
 * Prints the JVM's CPU ms per item for each, `rounds` times alternately (the first rounds warm the JVM up).
 *
 *   npx tsx bench/ddb-write-batching.ts [items=3000] [rounds=6]
 */
const [items = 3000, rounds = 6] = process.argv.slice(2).map(Number)
process.env.AWS_ACCESS_KEY_ID ??= LocalCredentials.accessKeyId
process.env.AWS_SECRET_ACCESS_KEY ??= LocalCredentials.secretAccessKey
process.env.AWS_REGION ??= LocalRegion
const dynamo = await startDynamo()
const jvm = () => [dynamo.process.pid ?? 0, ...descendants(dynamo.process.pid ?? 0)].reduce((t, p) => t + ticksOf(p), 0)
try {
  const db = localDynamoClient(dynamo.endpoint)
  const TableName = 'bench-write-batching'
  const key = { AttributeName: 'messageId', KeyType: 'HASH' } as const
  await db.send(
    new CreateTableCommand({
      TableName,
      KeySchema: [key],
      AttributeDefinitions: [{ AttributeName: 'messageId', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
  const body = 'x'.repeat(400)
  for (let i = 0; i < items; i += 25) {
    const puts = Array.from({ length: Math.min(25, items - i) }, (_, k) => ({
      PutRequest: { Item: { messageId: { S: `m${i + k}` }, state: { S: 'ACCEPTED' }, body: { S: body } } },
    }))
    await db.send(new BatchWriteItemCommand({ RequestItems: { [TableName]: puts } }))
  }
  const n = (v: number) => ({ N: String(v) })
  const one = (ids: string[], r: number) =>
    Promise.all(
      ids.map((id) =>
        db.send(
          new UpdateItemCommand({
            TableName,
            Key: { messageId: { S: id } },
            UpdateExpression: 'SET lease = :l',
            ConditionExpression: '#s = :a AND (attribute_not_exists(lease) OR lease < :now)',
            ExpressionAttributeNames: { '#s': 'state' },
            ExpressionAttributeValues: { ':l': n(r * 1000 + 500), ':a': { S: 'ACCEPTED' }, ':now': n(r * 1000) },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      ),
    )
  const batched = (ids: string[], r: number) =>
    db.send(
      new BatchExecuteStatementCommand({
        Statements: ids.map((id) => ({
          Statement: `UPDATE "${TableName}" SET lease = ? WHERE messageId = ? AND "state" = 'ACCEPTED' AND (attribute_not_exists(lease) OR lease < ?)`,
          Parameters: [n(r * 1000 + 500), { S: id }, n(r * 1000)],
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        })),
      }),
    )
  const run = async (name: string, write: (ids: string[], r: number) => Promise<unknown>, r: number) => {
    const t0 = jvm()
    for (let i = 0; i < items; i += 10)
      await write(
        Array.from({ length: Math.min(10, items - i) }, (_, k) => `m${i + k}`),
        r,
      )
    console.log(`${name}  round ${r}: ${(((jvm() - t0) * 1000) / TicksPerSec / items).toFixed(3)} JVM ms per item`)
  }
  for (let r = 1; r <= rounds; r++) {
    await run('10 x UpdateItem          ', one, 2 * r)
    await run('1 BatchExecuteStatement/10', batched, 2 * r + 1)
  }
} finally {
  await dynamo.stop()
}
