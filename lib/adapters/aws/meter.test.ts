import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetItemCommand, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { localDynamoClient, localSqsClient } from '../../../infra/local/clients'
import { type LocalServices, localServices, tempQueue } from '../../../test/local-services'
import { sqsQueues } from '../sqs'
import { emptyCounts, FlushMs, type MeterCounts, meterDynamo, meterSqs, sumCounts, writeMeterFile } from './meter'

// Against DynamoDB Local and the SQS server of the test run: the units are what DynamoDB itself reports.
let svc: LocalServices
beforeAll(async () => {
  svc = await localServices()
})

describe('meter', () => {
  it('adds up the capacity DynamoDB reports, and a failed conditional write as one write unit', async () => {
    const m = emptyCounts()
    const db = localDynamoClient(svc.config.endpoints.dynamo ?? '')
    meterDynamo(db, m)
    const TableName = svc.config.tables.guards
    const put = () =>
      db.send(new PutItemCommand({ TableName, Item: { pk: { S: 'METER#1' } }, ConditionExpression: 'attribute_not_exists(pk)' }))
    await put()
    expect(m).toMatchObject({ ddbWriteUnits: 1, ddbReadUnits: 0, ddbRequests: 1 })
    await expect(put()).rejects.toThrow()
    expect(m.ddbWriteUnits).toBe(2)
    await db.send(new GetItemCommand({ TableName, Key: { pk: { S: 'METER#1' } }, ConsistentRead: true }))
    expect(m).toMatchObject({ ddbWriteUnits: 2, ddbReadUnits: 1, ddbRequests: 3 })
    // Where the write units went, by operation and table (the bench's ddbWriteUnitsByOp).
    expect(m.ddbWriteByOp).toEqual({ [`PutItem ${TableName}`]: 1, 'PutItem failed': 1 })
    expect(sumCounts([m, m]).ddbWriteByOp).toEqual({ [`PutItem ${TableName}`]: 2, 'PutItem failed': 2 })
  })

  it('counts a transaction as AWS bills it, 2 units per item, where DynamoDB Local reports 2 per table', async () => {
    const m = emptyCounts()
    const db = localDynamoClient(svc.config.endpoints.dynamo ?? '')
    meterDynamo(db, m)
    const TableName = svc.config.tables.guards
    const run = Math.random().toString(36).slice(2)
    await db.send(
      new TransactWriteItemsCommand({
        TransactItems: [1, 2, 3].map((n) => ({ Put: { TableName, Item: { pk: { S: `METER#${run}#${n}` } } } })),
      }),
    )
    expect(m.ddbWriteUnits).toBe(6)
    expect(m.ddbWriteByOp).toEqual({ [`TransactWriteItems ${TableName}`]: 6 })
  })

  it('counts SQS requests by action: a batch of ten is one request', async () => {
    const m = emptyCounts()
    const sqs = localSqsClient(svc.config.endpoints.sqs ?? '')
    meterSqs(sqs, m)
    const q = await tempQueue(localSqsClient(svc.config.endpoints.sqs ?? ''))
    const queues = sqsQueues(sqs)
    await queues.sendBatch(
      q.url,
      Array.from({ length: 10 }, (_, n) => ({ n })),
    )
    const got = await queues.receive(q.url, 10, 1)
    await queues.deleteBatch(
      q.url,
      got.map((g) => g.receiptHandle),
    )
    expect(m.sqsByAction).toEqual({ SendMessageBatch: 1, ReceiveMessage: 1, DeleteMessageBatch: 1 })
    expect(sumCounts([m, m]).sqsRequests).toBe(6)
  })

  it('keeps its file up to date: written at once, then each change within a few flushes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meter-test-'))
    try {
      const m = emptyCounts()
      writeMeterFile(dir, 'unit', m)
      const file = join(dir, `unit-${process.pid}.json`)
      const read = () => JSON.parse(readFileSync(file, 'utf8')) as MeterCounts
      expect(read().sqsRequests).toBe(0)
      m.sqsRequests = 7
      await vi.waitFor(() => expect(read().sqsRequests).toBe(7), { timeout: 20 * FlushMs, interval: FlushMs / 5 })
      m.sqsRequests = 9
      await vi.waitFor(() => expect(read().sqsRequests).toBe(9), { timeout: 20 * FlushMs, interval: FlushMs / 5 })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
