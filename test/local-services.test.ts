import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb'
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs'
import { describe, expect, it } from 'vitest'
import { LocalQueues, Queues, Tables } from '../lib/resources'
import { localServices } from './local-services'

describe('localServices', () => {
  it('creates every table with its keys, indexes and TTL, and every queue with its DLQ', async () => {
    const { config, db, sqs, prefix, dlqs } = await localServices()
    expect(config.tables.messages).toBe(`${prefix}-messages`)
    const messages = await db.send(new DescribeTableCommand({ TableName: config.tables.messages }))
    expect(messages.Table?.KeySchema).toEqual([{ AttributeName: 'messageId', KeyType: 'HASH' }])
    expect(messages.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['byAccount', 'byDue', 'byUpstreamId'])
    const ttl = await db.send(new DescribeTimeToLiveCommand({ TableName: config.tables.sessions }))
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' })
    for (const t of Object.keys(Tables) as (keyof typeof Tables)[]) {
      const d = await db.send(new DescribeTableCommand({ TableName: config.tables[t] }))
      expect(d.Table?.TableStatus).toBe('ACTIVE')
    }
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: config.queues.dispatch, AttributeNames: ['All'] }))
    // The local stack's dispatch visibility, derived from the simulator's bound, not AWS's 1482 s (lib/resources.ts).
    expect(attrs.Attributes?.VisibilityTimeout).toBe(String(LocalQueues.dispatch.visibilityTimeoutSec))
    const redrive = JSON.parse(attrs.Attributes?.RedrivePolicy ?? '{}')
    expect(redrive.maxReceiveCount).toBe(Queues.dispatch.maxReceiveCount)
    expect(redrive.deadLetterTargetArn).toMatch(new RegExp(`:${prefix}-dispatch-dlq$`))
    expect(dlqs.dispatch).toMatch(/-dispatch-dlq$/)
    expect(config.endpoints.sqs).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('provisions again over existing tables and queues without failing', async () => {
    const first = await localServices()
    const again = await localServices(first.prefix)
    expect(again.config.queues).toEqual(first.config.queues)
  })
})
