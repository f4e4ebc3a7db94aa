import {
  type DynamoDBClient,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb'
import { type Charge, type ChargeResult, chargeLine } from '../../ports'
import { ledgerPut } from './accounts'
import { anyShard, type Draw, draws, readShards, shardDrain, shardTake } from './balance'
import { groups, usageRows } from './charge-plan'
import { readDecisions, toDecision } from './decision-item'
import { batchGet, reasonCodes, toItem, transact, values } from './item'
import { messageItem } from './messages'
import type { RecentShards } from './recent-shards'
import { usageAdd } from './usage'

type Tables = { accounts: string; messages: string; ledger: string; usage: string; guards: string }
type Opts = { now: () => Date; retentionDays: number; balanceShards: number; recent?: RecentShards }
const Failed = 'ConditionalCheckFailed'
const MaxAttempts = 12

/** The fingerprint's owner (issue 18, lib/domain/adoption.ts), read back by dynamoFingerprints. */
const ownerItem = (d: NonNullable<Charge['duplicate']>) =>
  d.owner
    ? {
        dupUntil: d.dupUntil,
        ownerId: d.owner.messageId,
        ownerSource: d.owner.sourceAddr,
        ownerRd: d.owner.registeredDelivery,
        ownerNode: d.owner.incarnation,
        chargedAt: d.owner.chargedAt,
        ownerAt: d.owner.receivedAtMs,
      }
    : {}

/** What each item of a transaction stands for, so a cancellation reason maps back to its charge. */
type Slot = { kind: 'record' | 'duplicate'; at: number } | { kind: 'shard' | 'usage' | 'line' }

/**
 * One account's charges in as few TransactWriteItems as the guarantees allow (docs/PIPELINE.md
 * "Charging a batch"). Per message: its ACCEPTED record, which is its decision (./decision-item.ts: the node's
 * deadline races it on the same key), and its duplicate fingerprint. Per transaction: the draw on the balance shards that hold the
 * money, one summed usage counter per day and tariff prefix, and one ledger line listing the messages.
 */
export function batchCharger(db: DynamoDBClient, tables: Tables, opts: Opts) {
  const n = opts.balanceShards
  const nowSec = () => Math.floor(opts.now().getTime() / 1000)
  // The record is the decision 0: first writer of the message key wins, and a loser learns the winner from ALL_OLD.
  const recordPut = (c: Charge): TransactWriteItem => ({
    Put: {
      TableName: tables.messages,
      Item: { ...messageItem(c.message, opts.retentionDays), decidedAt: { S: c.entry.at } },
      ConditionExpression: 'attribute_not_exists(messageId)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  })
  const duplicatePut = (d: NonNullable<Charge['duplicate']>): TransactWriteItem => ({
    Put: {
      TableName: tables.guards,
      Item: toItem({ pk: d.key, expiresAt: d.expiresAt, ...ownerItem(d) }),
      // An expired fingerprint may still be there (TTL deletes lazily): it no longer counts; nor does one
      // kept past its duplicate window only for adoption (issue 18, dupUntil).
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR dupUntil < :now',
      ExpressionAttributeValues: values({ ':now': nowSec() }),
    },
  })

  /** The transaction for `covered`, drawing `take[k]` from shard k; with what each item stands for. */
  function build(charges: Charge[], covered: number[], take: Draw[], usageShard: number) {
    const items: TransactWriteItem[] = []
    const slots: Slot[] = []
    for (const at of covered) {
      const c = charges[at]
      items.push(recordPut(c))
      slots.push({ kind: 'record', at })
      if (c.duplicate) {
        items.push(duplicatePut(c.duplicate))
        slots.push({ kind: 'duplicate', at })
      }
    }
    const accountId = charges[covered[0]].message.accountId
    for (const d of take) {
      items.push(d.drain ? shardDrain(tables, accountId, d.k, d.amount) : shardTake(tables, accountId, d.k, d.amount))
      slots.push({ kind: 'shard' })
    }
    for (const row of usageRows(covered.map((i) => charges[i]))) {
      items.push({ Update: usageAdd(tables.usage, row, usageShard) })
      slots.push({ kind: 'usage' })
    }
    items.push(ledgerPut(tables.ledger, chargeLine(covered.map((i) => charges[i]))))
    slots.push({ kind: 'line' })
    return { items, slots }
  }

  /** Decision, then window, for messages the balance cannot cover: a refusal keeps the usual precedence. */
  async function uncovered(charges: Charge[], at: number[], results: (ChargeResult | undefined)[]) {
    const fingerprints = [...new Set(at.flatMap((i) => (charges[i].duplicate ? [charges[i].duplicate!.key] : [])))]
    const [decided, dups] = await Promise.all([
      readDecisions(
        db,
        tables.messages,
        at.map((i) => charges[i].message.messageId),
      ),
      batchGet(
        db,
        tables.guards,
        fingerprints.map((pk) => toItem({ pk })),
        true,
      ),
    ])
    const found = new Map(dups.map((g) => [g.pk.S, g]))
    for (const i of at) {
      const d = decided.get(charges[i].message.messageId)
      const dup = charges[i].duplicate && found.get(charges[i].duplicate!.key)
      if (d) results[i] = { result: 'already-decided', decision: d }
      else if (dup && Number(dup.dupUntil?.N ?? dup.expiresAt?.N ?? 0) >= nowSec() && Number(dup.expiresAt?.N ?? 0) >= nowSec())
        results[i] = { result: 'duplicate' }
      else results[i] = { result: 'insufficient-funds' }
    }
  }

  /** Charges `group` (distinct ids and fingerprints, fits one transaction) until each has its result. */
  async function commit(charges: Charge[], group: number[], results: (ChargeResult | undefined)[]) {
    const accountId = charges[group[0]].message.accountId
    for (let attempt = 1; ; attempt++) {
      const live = group.filter((i) => results[i] === undefined)
      if (live.length === 0) return
      if (attempt > MaxAttempts) throw new Error(`charge batch of ${accountId}: no outcome after ${MaxAttempts} attempts`)
      // The first attempt starts from the account read's view when it is fresh (./recent-shards.ts), then reads afresh.
      const shards = await ((attempt === 1 && opts.recent?.take(accountId)) || readShards(db, tables, accountId, n))
      // The whole balance + creditLimit: a shard below its floor counts against the others (see draws).
      let left = shards.item ? shards.available.reduce((a, b) => a + b, 0) : 0
      // In order, each message the balance still covers; a cheaper later one may fit where an earlier did not.
      const covered: number[] = []
      const short: number[] = []
      for (const i of live) {
        const cost = charges[i].message.cost
        if (cost > left) short.push(i)
        else {
          covered.push(i)
          left -= cost
        }
      }
      // The short ones are answered only once the covered ones are settled: a covered one that turns out
      // decided or duplicate frees its share for them on the next attempt.
      if (covered.length === 0) return uncovered(charges, short, results)
      const start = anyShard(n)
      const take = draws(
        shards.available,
        covered.reduce((s, i) => s + charges[i].message.cost, 0),
        start,
      )!
      const { items, slots } = build(charges, covered, take, start)
      try {
        await transact(() => db.send(new TransactWriteItemsCommand({ TransactItems: items })))
        for (const i of covered) results[i] = { result: 'charged' }
        if (short.length > 0) await uncovered(charges, short, results)
        return
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err
        if (!(await settle(err, slots, charges, results))) throw err
      }
    }
  }

  /**
   * Answers the charges a cancelled transaction decided, in the memory adapter's precedence (a
   * decision beats the window, both beat the balance); false when no reason explains the cancellation.
   */
  async function settle(err: TransactionCanceledException, slots: Slot[], charges: Charge[], results: (ChargeResult | undefined)[]) {
    let explained = false
    for (const [j, code] of reasonCodes(err).entries()) {
      const slot = slots[j]
      if (code !== Failed || !slot) continue
      if (slot.kind === 'shard') explained = true // another invocation drew first: read the shards again
      if (!('at' in slot) || results[slot.at]) continue
      if (slot.kind === 'record') {
        // The message key is taken: by a record (a copy charged first) or a decision (the node's deadline, a refusal).
        const item = err.CancellationReasons?.[j]?.Item
        const messageId = charges[slot.at].message.messageId
        const winner = item?.messageId ? toDecision(item) : (await readDecisions(db, tables.messages, [messageId])).get(messageId)
        if (winner) results[slot.at] = { result: 'already-decided', decision: winner }
        explained = true
      } else {
        results[slot.at] = { result: 'duplicate' }
        explained = true
      }
    }
    return explained
  }

  return async function chargeBatch(charges: Charge[]): Promise<ChargeResult[]> {
    for (const { message, entry } of charges) {
      if (entry.amount !== -message.cost) throw new Error(`charge ${message.messageId}: entry amount must be minus the message cost`)
      if (message.accountId !== charges[0].message.accountId) throw new Error('chargeBatch: one account per batch')
    }
    const results: (ChargeResult | undefined)[] = charges.map(() => undefined)
    // A round holds each message id and fingerprint once (a transaction may not touch an item twice);
    // a second copy waits for the next round, where the first copy's guard answers it.
    for (let round = 0; results.includes(undefined); round++) {
      if (round > charges.length) throw new Error('chargeBatch: rounds exhausted')
      for (const group of groups(charges, results, n)) await commit(charges, group, results)
    }
    return results as ChargeResult[]
  }
}
