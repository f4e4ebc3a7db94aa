import { spawnSync } from 'node:child_process'
import http from 'node:http'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb'
import { localDynamoClient } from '../infra/local/clients'
import { startDynamo } from '../infra/local/dynamo'

/**
 * Issue 18: when is the last removal of a burst on the wire? Ten deliver_sm_resp read in one chunk used to
 * start ten DeleteItem; each runs the SDK's request pipeline (serialise, sign, write) on the node's one thread,
 * so the tenth is written well after the first. A node killed in between sends those receipts again after its
 * restart. This times, against DynamoDB Local, from the moment ten removals are asked for until the last
 * request is flushed to the kernel ('finish'): ten DeleteItem against one BatchWriteItem of ten. It also shows
 * that a request flushed is a request done: a process SIGKILLed right after flushing, while the JVM is stopped,
 * still has its deletes applied (the server reads them from the socket when it runs again).
 *
 *   npx tsx bench/pending-removal-flush.ts
 */
const Rounds = 100
const Burst = 10

/** Calls `onFlushed()` as each HTTP request is flushed to the kernel: every request the SDK makes ends with req.end(body). */
function hookFlushes(onFlushed: () => void): void {
  const end = http.ClientRequest.prototype.end
  http.ClientRequest.prototype.end = function (this: http.ClientRequest, ...args: unknown[]) {
    this.once('finish', onFlushed)
    return (end as (...a: unknown[]) => http.ClientRequest).apply(this, args)
  } as typeof end
}

const createTable = (db: DynamoDBClient, TableName: string) =>
  db.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    }),
  )

/** The child: sends Burst DeleteItem and SIGKILLs itself once all are flushed, before any answer can come. */
function child(endpoint: string, TableName: string): void {
  const db = localDynamoClient(endpoint)
  let flushed = 0
  hookFlushes(() => {
    if (++flushed === Burst) process.kill(process.pid, 'SIGKILL')
  })
  for (let k = 0; k < Burst; k++) void db.send(new DeleteItemCommand({ TableName, Key: { pk: { S: `k${k}` } } }))
}

/** Items left 2 s after DynamoDB Local resumed, of Burst whose deletes a process flushed and was SIGKILLed while it was stopped. */
async function deletesAfterKill(db: DynamoDBClient, endpoint: string, jvm: number, TableName: string): Promise<number> {
  await createTable(db, TableName)
  for (let k = 0; k < Burst; k++) await db.send(new PutItemCommand({ TableName, Item: { pk: { S: `k${k}` } } }))
  process.kill(jvm, 'SIGSTOP')
  try {
    spawnSync('npx', ['tsx', fileURLToPath(import.meta.url), '--child', endpoint, TableName], { stdio: 'ignore', timeout: 60_000 })
  } finally {
    process.kill(jvm, 'SIGCONT')
  }
  await new Promise((r) => setTimeout(r, 2_000)) // the JVM reads what waited in its sockets; a Scan on another connection may come first
  return (await db.send(new ScanCommand({ TableName, ConsistentRead: true }))).Count ?? -1
}

async function main(): Promise<void> {
  const dynamo = await startDynamo()
  const db = localDynamoClient(dynamo.endpoint)
  const TableName = 'flush'
  await createTable(db, TableName)
  const leftAfterKill = await deletesAfterKill(db, dynamo.endpoint, dynamo.process.pid!, 'killed')
  let onFinish: (() => void) | undefined
  hookFlushes(() => onFinish?.())
  const lastOnWire = { deleteItem: [] as number[], batchWriteItem: [] as number[] }
  for (let round = 0; round < Rounds; round++) {
    for (const mode of ['deleteItem', 'batchWriteItem'] as const) {
      const requests = mode === 'deleteItem' ? Burst : 1
      await new Promise<void>((done) => {
        let flushed = 0
        const t0 = performance.now()
        onFinish = () => {
          if (++flushed < requests) return
          lastOnWire[mode].push(performance.now() - t0)
          done()
        }
        const keys = Array.from({ length: Burst }, (_, k) => ({ pk: { S: `${mode}-${round}-${k}` } }))
        if (mode === 'deleteItem') for (const Key of keys) void db.send(new DeleteItemCommand({ TableName, Key }))
        else void db.send(new BatchWriteItemCommand({ RequestItems: { [TableName]: keys.map((Key) => ({ DeleteRequest: { Key } })) } }))
      })
      await new Promise((r) => setTimeout(r, 20)) // let the answers come back before the next burst
    }
  }
  const q = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b)
    return { medianMs: Number(s[Math.floor(s.length / 2)].toFixed(1)), p90Ms: Number(s[Math.floor(s.length * 0.9)].toFixed(1)) }
  }
  console.log(
    JSON.stringify({
      loadAverage: Number(loadavg()[0].toFixed(1)),
      rounds: Rounds,
      itemsLeftAfterFlushedDeletesAndKill: leftAfterKill,
      tenDeleteItem: q(lastOnWire.deleteItem),
      oneBatchWriteItemOfTen: q(lastOnWire.batchWriteItem),
    }),
  )
  await dynamo.stop()
}

if (process.argv[2] === '--child') child(process.argv[3], process.argv[4])
else void main()
