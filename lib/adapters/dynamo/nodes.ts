import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import { AdoptionWindowSec, type AnswerRecord, type FingerprintOwner, type NodeEntry } from '../../domain/adoption'
import type { Fingerprints, NodeRegistry } from '../../ports'
import { batchGet, fromItem, queryAll, toItem, values } from './item'

/**
 * node items, in the sessions table under their own partition key (no account id starts with '#'):
 * { accountId '#nodes' (pk), sk <incarnation>, ...NodeEntry, expiresAt (TTL) }. Access pattern: the
 * submit function and the nodes Query the partition (one item per node process of the last minutes);
 * a node updates its own item each beat, and its answer record (`answers`) at most once per flush while it
 * takes submits. The TTL keeps a dead node's item for the adoption window.
 */
const Partition = '#nodes'
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
  const writeAnswers = (incarnation: string, answers: AnswerRecord) =>
    db.send(
      new UpdateItemCommand({
        TableName: table,
        Key: toItem({ accountId: Partition, sk: incarnation }),
        UpdateExpression: 'SET answers = :a',
        // Only on a live entry: a dead one's record is final (its successor or the submit function may read it).
        ConditionExpression: 'attribute_exists(sk) AND attribute_not_exists(diedAtMs)',
        ExpressionAttributeValues: values({ ':a': answers }),
      }),
    )
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
      // An update, not a put: the beat must not erase the answer record written between beats.
      const fields = { ...entry, expiresAt: ttlOf(entry.aliveUntilMs) }
      const names = Object.keys(fields).filter((n) => fields[n as keyof typeof fields] !== undefined)
      await ifAlive(
        db.send(
          new UpdateItemCommand({
            TableName: table,
            Key: toItem({ accountId: Partition, sk: entry.incarnation }),
            UpdateExpression: `SET ${names.map((n) => `#${n} = :${n}`).join(', ')}`,
            // A retired process never comes back to life: a late beat must not undo its death.
            ConditionExpression: 'attribute_not_exists(diedAtMs)',
            ExpressionAttributeNames: Object.fromEntries(names.map((n) => [`#${n}`, n])),
            ExpressionAttributeValues: values(Object.fromEntries(names.map((n) => [`:${n}`, fields[n as keyof typeof fields]]))),
          }),
        ),
      )
    },
    async answered(incarnation, answers) {
      await ifAlive(writeAnswers(incarnation, answers))
    },
    async supersede(nodeId, incarnation, atMs) {
      const older = (await list()).filter((e) => e.nodeId === nodeId && e.incarnation !== incarnation && e.diedAtMs === undefined)
      await Promise.all(older.map((e) => markDead(e.incarnation, atMs)))
      return older.map((e) => ({ ...e, diedAtMs: atMs }))
    },
    async retire(incarnation, atMs, answers) {
      if (answers) await ifAlive(writeAnswers(incarnation, answers))
      await ifAlive(markDead(incarnation, atMs))
    },
    list,
  }
}

/** A conditional write that failed because the entry is dead (or gone) changes nothing: that is no error. */
async function ifAlive(write: Promise<unknown>): Promise<void> {
  await write.catch((err) => {
    if ((err as Error).name !== 'ConditionalCheckFailedException') throw err
  })
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
