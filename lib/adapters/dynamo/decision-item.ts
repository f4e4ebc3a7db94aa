import { type DynamoDBClient, GetItemCommand, type PutItemCommandInput } from '@aws-sdk/client-dynamodb'
import type { Decision } from '../../ports'
import { batchGet, type Item, toItem } from './item'

/**
 * Issue 12 (cost): a message id's one decision lives on its messages-table item, not on a guard of its own.
 * - The ACCEPTED record, put by the charge transaction under `attribute_not_exists(messageId)`, IS the decision 0:
 *   only a charge writes a record, so a record means "accepted". It carries `decidedAt`; a record written before
 *   this change has none, and its `createdAt` stands in (docs/DEPLOY.md "Upgrading").
 * - A refusal, the node's or the HTTP send's 0x0402 at its deadline, or an adoption (issue 18) is a decision-only
 *   item { messageId, verdict, decidedAt, adoptedId?, expiresAt } under the same condition, so whichever of it and
 *   the charge comes first wins. It has no `state`, `accountId` or `createdAt`: it is in none of the table's
 *   (sparse) indexes, and every MessageStore read skips it by `isRecord` (lib/adapters/dynamo/messages.ts).
 * The table's TTL (`expiresAt`) removes both: the record after its retention, the decision-only item after the
 * retention the caller gives (the one the DECISION# guard had).
 */
export const isRecord = (item: Item) => item.state !== undefined

/** The attributes a decision is read from; a record's others (its text, its job) need not travel. */
const Projection = {
  ProjectionExpression: 'messageId, verdict, decidedAt, adoptedId, #state, createdAt',
  ExpressionAttributeNames: { '#state': 'state' },
}

export function toDecision(item: Item): Decision {
  const messageId = String(item.messageId?.S)
  if (isRecord(item)) return { messageId, status: 0, decidedAt: String(item.decidedAt?.S ?? item.createdAt?.S) }
  return {
    messageId,
    status: Number(item.verdict?.N),
    decidedAt: String(item.decidedAt?.S),
    ...(item.adoptedId?.S ? { adoptedId: item.adoptedId.S } : {}),
  }
}

/** The decision-only item, first writer wins; a failed condition returns the winner (a record or a decision). */
export const decisionPut = (table: string, d: Decision, expiresAt: number) =>
  ({
    TableName: table,
    Item: toItem({ messageId: d.messageId, verdict: d.status, decidedAt: d.decidedAt, adoptedId: d.adoptedId, expiresAt }),
    ConditionExpression: 'attribute_not_exists(messageId)',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  }) satisfies PutItemCommandInput

/** One consistent read of a message key's decision (the HTTP send polls it). */
export async function readDecision(db: DynamoDBClient, table: string, messageId: string): Promise<Decision | undefined> {
  const out = await db.send(new GetItemCommand({ TableName: table, Key: toItem({ messageId }), ConsistentRead: true, ...Projection }))
  return out.Item && toDecision(out.Item)
}

/** The decisions of these ids, consistent, in one BatchGetItem per 100 ids; undecided ids are missing. */
export async function readDecisions(db: DynamoDBClient, table: string, messageIds: string[]): Promise<Map<string, Decision>> {
  const keys = [...new Set(messageIds)].map((messageId) => toItem({ messageId }))
  const found = await batchGet(db, table, keys, true, Projection)
  return new Map(found.map((item) => [String(item.messageId?.S), toDecision(item)]))
}
