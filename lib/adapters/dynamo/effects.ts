import {
  type DynamoDBClient,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb'
import type { UsageRow } from '../../domain/model'
import type { EffectStore, OnceEffect, OnceOutcome } from '../../ports'
import { Sk } from '../keys'
import { anyShard } from './balance'
import { reasonCodes, toItem, transact, values } from './item'
import { transitionInput } from './messages'
import { pendingPut } from './pending'
import { usageAdd } from './usage'

type Tables = { messages: string; pending: string; usage: string; guards: string }
type Opts = { now: () => Date; balanceShards: number }

/** TransactWriteItems takes 100 items; an effect is at most 3 (marker, pending item, its own usage counter). */
const MaxItems = 100
const MaxAttempts = 12

const markerKey = (e: OnceEffect) => (e.once.kind === 'state' ? `M#${e.once.messageId}` : `G#${e.once.key}`)
const counter = (r: UsageRow) => `${r.accountId}\n${Sk.usage(r.day, r.prefix, r.status)}`

/**
 * Effects with their once-only markers in TransactWriteItems (issue 13 item 9; docs/PIPELINE.md "The effects
 * of a state"): per effect its marker (the message's conditional state move, or a guard put as done) and its
 * pending item; per transaction one usage ADD per counter, summed, on a random shard (the counters' shards are
 * summed on read, usage.ts) so concurrent DLR invocations rarely meet on one item. A marker whose condition
 * fails cancels the transaction: that effect is `already`, and the others are committed again without it.
 * AWS bills 2 WRU per item: marker 2 + pending 2 + 2 per counter per transaction, instead of a guard lease,
 * the effect and a confirm (1 + 1 + 1 each for the usage row and the receipt, plus the state move).
 */
export function dynamoEffects(db: DynamoDBClient, tables: Tables, opts: Opts): EffectStore {
  const nowSec = () => Math.floor(opts.now().getTime() / 1000)
  const marker = (e: OnceEffect): TransactWriteItem =>
    e.once.kind === 'state'
      ? { Update: transitionInput(tables.messages, e.once.messageId, e.once.from, e.once.to, e.once.patch) }
      : {
          Put: {
            TableName: tables.guards,
            Item: toItem({ pk: e.once.key, expiresAt: e.once.expiresAt, done: true }),
            // As Guards.take: an expired key is free even before TTL removes it.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: values({ ':now': nowSec() }),
          },
        }

  function build(effects: readonly OnceEffect[], live: number[]) {
    const items: TransactWriteItem[] = []
    const slots: (number | undefined)[] = [] // the effect a marker item stands for
    const sks = new Map<number, string>()
    const sums = new Map<string, UsageRow>()
    for (const at of live) {
      const e = effects[at]
      items.push(marker(e))
      slots.push(at)
      if (e.pending) {
        const { sk, put } = pendingPut(tables.pending, e.pending)
        items.push({ Put: put })
        slots.push(undefined)
        sks.set(at, sk)
      }
      if (e.usage) {
        const sum = sums.get(counter(e.usage))
        if (!sum) sums.set(counter(e.usage), { ...e.usage })
        else {
          sum.messages += e.usage.messages
          sum.parts += e.usage.parts
          sum.cost += e.usage.cost
          sum.refunds += e.usage.refunds
        }
      }
    }
    const shard = anyShard(opts.balanceShards)
    for (const row of sums.values()) {
      items.push({ Update: usageAdd(tables.usage, row, shard) })
      slots.push(undefined)
    }
    return { items, slots, sks }
  }

  async function commitGroup(effects: readonly OnceEffect[], group: number[], results: (OnceOutcome | undefined)[]) {
    for (let attempt = 1; ; attempt++) {
      const live = group.filter((i) => results[i] === undefined)
      if (live.length === 0) return
      if (attempt > MaxAttempts) throw new Error(`effects: no outcome after ${MaxAttempts} attempts`)
      const { items, slots, sks } = build(effects, live)
      try {
        await transact(() => db.send(new TransactWriteItemsCommand({ TransactItems: items })))
        for (const at of live) results[at] = { outcome: 'done', ...(sks.has(at) ? { pendingSk: sks.get(at) } : {}) }
        return
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err
        let explained = false
        for (const [j, code] of reasonCodes(err).entries()) {
          const at = slots[j]
          if (code !== 'ConditionalCheckFailed' || at === undefined) continue
          results[at] = { outcome: 'already' }
          explained = true
        }
        if (!explained) throw err
      }
    }
  }

  return {
    async commit(effects) {
      const results: (OnceOutcome | undefined)[] = effects.map(() => undefined)
      // A transaction may not touch an item twice: a second effect on one marker waits for the next round,
      // where the first one's marker answers it `already`.
      for (let round = 0; results.includes(undefined); round++) {
        if (round > effects.length) throw new Error('effects: rounds exhausted')
        const seen = new Set<string>()
        const groups: number[][] = [[]]
        let size = 0
        for (const [at, e] of effects.entries()) {
          if (results[at] !== undefined || seen.has(markerKey(e))) continue
          seen.add(markerKey(e))
          const cost = 1 + (e.pending ? 1 : 0) + (e.usage ? 1 : 0)
          if (size + cost > MaxItems) {
            groups.push([])
            size = 0
          }
          groups[groups.length - 1].push(at)
          size += cost
        }
        for (const group of groups) await commitGroup(effects, group, results)
      }
      return results as OnceOutcome[]
    },
  }
}
