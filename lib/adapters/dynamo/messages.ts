import { ConditionalCheckFailedException, type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import { epochSec } from '../../domain/ids'
import { FinalStates, type MessageRecord, type MessageStateName } from '../../domain/model'
import type { MessageStore } from '../../ports'
import { Day } from '../keys'
import { coalescedGet } from './coalesce'
import { isRecord } from './decision-item'
import { amendItem, dueAttrs, queryDue } from './due'
import { batchGet, fromItem, type Item, queryPage, toItem, values } from './item'

/**
 * messages item: { messageId (pk), ...MessageRecord, upstreamKey?, expiresAt }.
 * - upstreamKey = `<upstreamId>#<upstreamMessageId>`, the byUpstreamId index key, for receipts that
 *   carry only the upstream's id; absent until an upstream took the message (sparse index).
 * - expiresAt (TTL, epoch seconds) = createdAt + retentionDays, computed here from the dynamoStores
 *   option so the domain record stays free of storage policy.
 * byAccount index: (accountId, createdAt) for the API's listing.
 * byDue index: (dueShard, dueAt), sparse, for the due-time sweep (due.ts).
 * Both indexes hold keys only (lib/resources.ts IndexProjection): a state change then rewrites the item alone,
 * and a reader of an index fetches the items it names by key.
 * dispatchLease, dispatchAttempt: dispatch's lease (epoch seconds, attempt number) on an ACCEPTED record (leaseDispatch):
 * neither is an index key, so taking it rewrites the item alone (1 write unit), and it is bookkeeping the record omits.
 * A key may instead hold a decision-only item (a refusal, a deadline's 0x0402: ./decision-item.ts): it has no state,
 * so no read here returns it and no conditional update here (all name #state) applies to it.
 */
export const upstreamKey = (upstreamId: string, upstreamMessageId: string) => `${upstreamId}#${upstreamMessageId}`

export const messageItem = (m: MessageRecord, retentionDays: number): Item =>
  toItem({
    ...m,
    upstreamKey: m.upstreamId && m.upstreamMessageId ? upstreamKey(m.upstreamId, m.upstreamMessageId) : undefined,
    ...dueAttrs(m),
    expiresAt: epochSec(new Date(m.createdAt)) + retentionDays * Day,
  })

// decidedAt: the record is its own decision (./decision-item.ts), a storage matter the domain record does not carry.
export const toMessage = (item: Item) =>
  fromItem<MessageRecord>(item, ['upstreamKey', 'expiresAt', 'dueShard', 'decidedAt', 'dispatchLease', 'dispatchAttempt'])
/** The record on a key, never the decision-only item a refusal or a deadline leaves there (./decision-item.ts). */
const recordOf = (item: Item | undefined) => (item && isRecord(item) ? toMessage(item) : undefined)

/** SET each patch field (aliased: `state` and friends are reserved words), optionally under a condition. */
function updateInput(
  table: string,
  messageId: string,
  fields: Record<string, unknown>,
  condition: string,
  extra: Record<string, unknown> = {},
  remove: readonly string[] = [],
) {
  const set = Object.entries(fields).filter(([, v]) => v !== undefined)
  return {
    TableName: table,
    Key: toItem({ messageId }),
    UpdateExpression: `SET ${set.map((_, i) => `#f${i} = :v${i}`).join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ConditionExpression: condition,
    ExpressionAttributeNames: { ...Object.fromEntries(set.map(([k], i) => [`#f${i}`, k])), '#state': 'state' },
    ExpressionAttributeValues: values({ ...Object.fromEntries(set.map(([, v], i) => [`:v${i}`, v])), ...extra }),
  }
}

/** The conditional state move of MessageStore.transition, also a transaction item (./effects.ts). */
export function transitionInput(
  table: string,
  messageId: string,
  from: readonly MessageStateName[],
  to: MessageStateName,
  patch: Record<string, unknown> & Partial<Pick<MessageRecord, 'upstreamId' | 'upstreamMessageId' | 'dueAt'>>,
  indexUpstream = true,
) {
  const fields: Record<string, unknown> = { ...patch, state: to }
  // The index entry is a write unit of its own (issue 12): none for a carrier whose receipts name our id.
  if (indexUpstream && patch.upstreamId && patch.upstreamMessageId)
    fields.upstreamKey = upstreamKey(patch.upstreamId, patch.upstreamMessageId)
  if (patch.dueAt) Object.assign(fields, dueAttrs({ messageId, dueAt: patch.dueAt }))
  // A final state leaves the due index, unless the caller keeps a dueAt for the settle still to run.
  const leave = FinalStates.has(to) && !patch.dueAt ? ['dueAt', 'dueShard'] : []
  const from_ = Object.fromEntries(from.map((s, i) => [`:from${i}`, s]))
  return updateInput(table, messageId, fields, `#state IN (${Object.keys(from_).join(', ')})`, from_, leave)
}

export function dynamoMessages(db: DynamoDBClient, table: string): MessageStore {
  const send = async (input: ReturnType<typeof updateInput>) => {
    try {
      const out = await db.send(new UpdateItemCommand({ ...input, ReturnValues: 'ALL_NEW' }))
      return out.Attributes && toMessage(out.Attributes)
    } catch (err) {
      // Duplicate or out-of-order receipt, or an unknown id: nothing to apply.
      if (err instanceof ConditionalCheckFailedException) return undefined
      throw err
    }
  }
  const update = (messageId: string, fields: Record<string, unknown>, condition: string) =>
    send(updateInput(table, messageId, fields, condition))
  // A batch's records are read together (./coalesce.ts): dispatch's and the DLR's reads, one BatchGetItem per turn.
  const read = coalescedGet(db, table, true)
  const readIndexed = coalescedGet(db, table, false)

  return {
    async get(messageId) {
      return recordOf(await read(toItem({ messageId })))
    },
    async byUpstreamId(upstreamId, upstreamMessageId) {
      // GSIs are eventually consistent: a receipt racing the dispatcher's setUpstream may miss and is retried by SQS.
      const page = await queryPage(
        db,
        {
          TableName: table,
          IndexName: 'byUpstreamId',
          KeyConditionExpression: 'upstreamKey = :k',
          ExpressionAttributeValues: values({ ':k': upstreamKey(upstreamId, upstreamMessageId) }),
        },
        1,
      )
      const key = page.items[0]?.messageId?.S
      if (!key) return undefined
      return recordOf(await readIndexed(toItem({ messageId: key })))
    },
    async transition(messageId, from, to, patch = {}, opts = {}) {
      if (from.length === 0) return undefined
      return send(transitionInput(table, messageId, from, to, patch, opts.indexUpstream ?? true))
    },
    async leaseDispatch(messageId, attempt, untilSec, nowSec) {
      try {
        const out = await db.send(
          new UpdateItemCommand({
            TableName: table,
            Key: toItem({ messageId }),
            UpdateExpression: 'SET dispatchLease = :until, dispatchAttempt = :attempt',
            // A lease of an earlier attempt gives way: the bind pool's failover job (attempt + 1) follows a send it gave up.
            ConditionExpression:
              '#state = :accepted AND (attribute_not_exists(dispatchLease) OR dispatchLease < :now OR dispatchAttempt < :attempt)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: values({ ':until': untilSec, ':attempt': attempt, ':now': nowSec, ':accepted': 'ACCEPTED' }),
            // The record comes back either way, at no read cost: taken, the new one; refused, the one that refused it.
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        )
        return { outcome: 'taken', record: toMessage(out.Attributes ?? {}) }
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err
        const record = recordOf(err.Item)
        if (record?.state === 'ACCEPTED') return { outcome: 'held' }
        return { outcome: 'not-accepted', ...(record ? { record } : {}) }
      }
    },
    async releaseDispatch(messageId, attempt) {
      try {
        await db.send(
          new UpdateItemCommand({
            TableName: table,
            Key: toItem({ messageId }),
            UpdateExpression: 'REMOVE dispatchLease, dispatchAttempt',
            ConditionExpression: 'dispatchAttempt = :attempt',
            ExpressionAttributeValues: values({ ':attempt': attempt }),
          }),
        )
      } catch (err) {
        // A later attempt holds it now, or it was never taken: nothing of ours to give back.
        if (!(err instanceof ConditionalCheckFailedException)) throw err
      }
    },
    async setUpstream(messageId, upstreamId, upstreamMessageId) {
      // Conditional so an unknown id does not create a stray item holding only these fields.
      await update(
        messageId,
        { upstreamId, upstreamMessageId, upstreamKey: upstreamKey(upstreamId, upstreamMessageId) },
        'attribute_exists(#state)',
      )
    },
    async due(nowIso, limit) {
      const ids = await queryDue(db, table, nowIso, limit)
      const items = await batchGet(
        db,
        table,
        ids.map((messageId) => toItem({ messageId })),
        true,
      )
      // The index is eventually consistent: an item read afresh whose dueAt moved later is not due yet.
      return items
        .filter(isRecord)
        .map(toMessage)
        .filter((m) => m.dueAt !== undefined && m.dueAt <= nowIso)
    },
    async amend(messageId, patch, when) {
      const item = await amendItem(db, table, messageId, patch, when)
      return item && toMessage(item)
    },
    async listByAccount(accountId, fromIso, toIso, limit, cursor) {
      const page = await queryPage(
        db,
        {
          TableName: table,
          IndexName: 'byAccount',
          KeyConditionExpression: 'accountId = :a AND createdAt BETWEEN :from AND :to',
          ExpressionAttributeValues: values({ ':a': accountId, ':from': fromIso, ':to': toIso }),
        },
        limit,
        cursor,
      )
      // The page's items by key, in the index's order; one the TTL deleted meanwhile is left out.
      const ids = page.items.map((k) => k.messageId?.S ?? '')
      const byId = new Map(
        (
          await batchGet(
            db,
            table,
            ids.map((messageId) => toItem({ messageId })),
          )
        ).map((i) => [i.messageId?.S, i]),
      )
      const items = ids.flatMap((id) => {
        const m = recordOf(byId.get(id))
        return m ? [m] : []
      })
      return { items, ...(page.cursor ? { cursor: page.cursor } : {}) }
    },
  }
}
