import { type DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import { AdoptionWindowSec, type AnswerRecord, type FingerprintOwner, type NodeEntry } from '../../domain/adoption'
import type { Fingerprints, NodeRegistry } from '../../ports'
import { batchGet, fromItem, queryAll, toItem, values } from './item'

/**
 * node items, in the sessions table under their own partition key (no account id starts with '#'):
 * { accountId '#nodes' (pk), sk <incarnation>, ...NodeEntry, expiresAt (TTL) }. Access pattern: the
 * submit function and the nodes Query the partition (one item per node process of the last minutes);
 * a node puts its own item each beat. The TTL keeps a dead node's item for the adoption window.
 *
 * answer records (issue 18), in a partition of their own so the registry's Query stays small (a Query is billed
 * by the items' full size): { accountId '#answers' (pk), sk <incarnation>, answers, atMs, expiresAt (TTL) }.
 * Access pattern: the node puts its own once per flush; the submit function reads those of nodes that cannot
 * answer by key (BatchGetItem), only when a re-send matched one of their fingerprints.
 */
const Partition = '#nodes'
const Answers = '#answers'
const ttlOf = (ms: number) => Math.floor(ms / 1000) + AdoptionWindowSec + 60

export function dynamoNodes(db: DynamoDBClient, table: string): NodeRegistry {
  const markDead = (incarnation: string, atMs: number) =>
    db.send(
      new UpdateItemCommand({
        TableName: table,
        Key: toItem({ accountId: Partition, sk: incarnation }),
        UpdateExpression: 'SET diedAtMs = if_not_exists(diedAtMs, :at), expiresAt = :ttl',
        ConditionExpression: 'attribute_exists(sk)',
        ExpressionAttributeValues: values({ ':at': atMs, ':ttl': ttlOf(atMs) }),
      }),
    )
  // A record is true whenever it was taken, so a late write must only never replace a newer one.
  const putAnswers = (incarnation: string, answers: AnswerRecord) =>
    db
      .send(
        new PutItemCommand({
          TableName: table,
          Item: toItem({ accountId: Answers, sk: incarnation, answers, atMs: answers.atMs, expiresAt: ttlOf(answers.atMs) }),
          ConditionExpression: 'attribute_not_exists(atMs) OR atMs < :at',
          ExpressionAttributeValues: values({ ':at': answers.atMs }),
        }),
      )
      .then(() => undefined, unlessConditional)
  const list = async () =>
    (
      await queryAll(db, {
        TableName: table,
        KeyConditionExpression: 'accountId = :p',
        ExpressionAttributeValues: values({ ':p': Partition }),
        ConsistentRead: true, // a node superseded a moment ago must already read as dead
      })
    ).map((i) => fromItem<NodeEntry>(i, ['accountId', 'sk', 'expiresAt']))
  return {
    async beat(entry) {
      await db
        .send(
          new PutItemCommand({
            TableName: table,
            Item: toItem({ accountId: Partition, sk: entry.incarnation, ...entry, expiresAt: ttlOf(entry.aliveUntilMs) }),
            // A retired process never comes back to life: a late beat must not undo its death.
            ConditionExpression: 'attribute_not_exists(diedAtMs)',
          }),
        )
        .catch(unlessConditional)
    },
    async supersede(nodeId, incarnation, atMs) {
      const older = (await list()).filter((e) => e.nodeId === nodeId && e.incarnation !== incarnation && e.diedAtMs === undefined)
      await Promise.all(older.map((e) => markDead(e.incarnation, atMs)))
      return older.map((e) => ({ ...e, diedAtMs: atMs }))
    },
    async retire(incarnation, atMs, answers) {
      if (answers) await putAnswers(incarnation, answers)
      await markDead(incarnation, atMs).catch(unlessConditional)
    },
    answered: putAnswers,
    async answerRecords(incarnations) {
      const found = new Map<string, AnswerRecord>()
      if (incarnations.length === 0) return found
      const keys = [...new Set(incarnations)].map((sk) => toItem({ accountId: Answers, sk }))
      for (const i of await batchGet(db, table, keys, true)) found.set(i.sk.S!, fromItem<{ answers: AnswerRecord }>(i).answers)
      return found
    },
    list,
  }
}

/** A conditional write that lost changes nothing (a dead entry, a newer record): that is no error. */
function unlessConditional(err: unknown): void {
  if ((err as Error).name !== 'ConditionalCheckFailedException') throw err
}

/** Reads the owner attributes the charge transaction writes on a DUP# fingerprint (charge-batch.ts ownerItem). */
export function dynamoFingerprints(db: DynamoDBClient, guardsTable: string): Fingerprints {
  return {
    async owners(keys) {
      const found = new Map<string, FingerprintOwner>()
      if (keys.length === 0) return found
      const items = await batchGet(
        db,
        guardsTable,
        [...new Set(keys)].map((pk) => toItem({ pk })),
        true,
      )
      for (const i of items) {
        if (!i.ownerId?.S) continue // a fingerprint written before issue 18 names no owner
        found.set(i.pk.S!, {
          messageId: i.ownerId.S,
          sourceAddr: i.ownerSource?.S ?? '',
          registeredDelivery: Number(i.ownerRd?.N ?? 0),
          incarnation: i.ownerNode?.S ?? '',
          chargedAt: Number(i.chargedAt?.N ?? 0),
          ...(i.ownerAt?.N !== undefined && { receivedAtMs: Number(i.ownerAt.N) }),
        })
      }
      return found
    },
  }
}
