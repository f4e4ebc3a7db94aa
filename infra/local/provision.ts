import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb'
import type { SQSClient } from '@aws-sdk/client-sqs'
import { ensureQueueWithDlq } from '../../lib/adapters/sqs/create-queue'
import { IndexProjection, LocalQueues, physicalName, type QueueName, type TableDef, type TableName, Tables } from '../../lib/resources'

export interface Provisioned {
  prefix: string
  tables: Record<TableName, string>
  queues: Record<QueueName, string> // URLs
  dlqs: Record<QueueName, string> // URLs
}

const keyAttrs = (def: TableDef) => {
  const keys = [def.partitionKey, def.sortKey, ...(def.indexes ?? []).flatMap((i) => [i.partitionKey, i.sortKey])]
  const byName = new Map(keys.filter((k) => k !== undefined).map((k) => [k.name, k.type]))
  return [...byName].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }))
}

const keySchema = (pk: { name: string }, sk?: { name: string }) => [
  { AttributeName: pk.name, KeyType: 'HASH' as const },
  ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
]

/** The same definition CDK turns into a Table construct: on-demand billing, GSIs of keys only. */
export function createTableInput(def: TableDef, tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttrs(def),
    KeySchema: keySchema(def.partitionKey, def.sortKey),
    GlobalSecondaryIndexes: def.indexes?.length
      ? def.indexes.map((i) => ({
          IndexName: i.name,
          KeySchema: keySchema(i.partitionKey, i.sortKey),
          Projection: { ProjectionType: IndexProjection },
        }))
      : undefined,
  }
}

async function ensureTable(db: DynamoDBClient, def: TableDef, tableName: string): Promise<void> {
  try {
    await db.send(new CreateTableCommand(createTableInput(def, tableName)))
  } catch (err) {
    // Kept from an earlier `npm start` (./.data): keep its items.
    if (!(err instanceof ResourceInUseException)) throw err
  }
  if (!def.ttlAttribute) return
  const ttl = await db.send(new DescribeTimeToLiveCommand({ TableName: tableName }))
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED') return
  await db.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true } }),
  )
}

/**
 * Creates every table of `Tables` and every queue of `LocalQueues` (with its DLQ and redrive) under `prefix`: the
 * AWS definitions, with the local dispatch visibility (lib/resources.ts).
 */
export async function provision({
  db,
  sqs,
  prefix,
  visibility = {},
}: {
  db: DynamoDBClient
  sqs: SQSClient
  prefix: string
  /** Visibility timeouts by queue (LOCAL_VISIBILITY_SEC): the fault suite waits for redeliveries in seconds (issue 18). */
  visibility?: Partial<Record<QueueName, number>>
}): Promise<Provisioned> {
  const tableNames = Object.keys(Tables) as TableName[]
  const queueNames = Object.keys(LocalQueues) as QueueName[]
  await Promise.all(tableNames.map((t) => ensureTable(db, Tables[t], physicalName(prefix, Tables[t].name))))
  const created = await Promise.all(
    queueNames.map((q) =>
      ensureQueueWithDlq(sqs, {
        ...LocalQueues[q],
        visibilityTimeoutSec: visibility[q] ?? LocalQueues[q].visibilityTimeoutSec,
        name: physicalName(prefix, LocalQueues[q].name),
      }),
    ),
  )
  return {
    prefix,
    tables: Object.fromEntries(tableNames.map((t) => [t, physicalName(prefix, Tables[t].name)])) as Record<TableName, string>,
    queues: Object.fromEntries(queueNames.map((q, i) => [q, created[i].url])) as Record<QueueName, string>,
    dlqs: Object.fromEntries(queueNames.map((q, i) => [q, created[i].dlqUrl])) as Record<QueueName, string>,
  }
}
