import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import type { Strikes } from '../../ports'
import { toItem, values } from './item'

/**
 * Strikes in the guards table: { pk STRIKE#<key>, n (count), untilMs, expiresAt (TTL, epoch seconds) }.
 * A strike is an atomic ADD on a live entry, or a conditional Put that starts a fresh one, so two nodes
 * striking the same key at once both count; the hold is then set from the count the ADD returned.
 */
export function dynamoStrikes(db: DynamoDBClient, table: string): Strikes {
  const key = (k: string) => toItem({ pk: `STRIKE#${k}` })
  const ttl = (untilMs: number) => Math.ceil(untilMs / 1000)

  const addToLive = async (k: string, nowMs: number): Promise<number | undefined> => {
    try {
      const out = await db.send(
        new UpdateItemCommand({
          TableName: table,
          Key: key(k),
          UpdateExpression: 'ADD n :one',
          ConditionExpression: 'untilMs > :now',
          ExpressionAttributeValues: values({ ':one': 1, ':now': nowMs }),
          ReturnValues: 'UPDATED_NEW',
        }),
      )
      return Number(out.Attributes?.n?.N ?? 1)
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined
      throw err
    }
  }

  const startFresh = async (k: string, nowMs: number, untilMs: number): Promise<boolean> => {
    try {
      await db.send(
        new PutItemCommand({
          TableName: table,
          Item: toItem({ pk: `STRIKE#${k}`, n: 1, untilMs, expiresAt: ttl(untilMs) }),
          ConditionExpression: 'attribute_not_exists(pk) OR untilMs <= :now',
          ExpressionAttributeValues: values({ ':now': nowMs }),
        }),
      )
      return true
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false
      throw err
    }
  }

  return {
    async strike(k, nowMs, holdMs) {
      // Two rounds at most: a fresh Put loses only to another node's strike, which the next ADD then joins.
      for (let round = 0; round < 3; round++) {
        const count = await addToLive(k, nowMs)
        if (count === undefined) {
          if (await startFresh(k, nowMs, nowMs + holdMs(1))) return 1
          continue
        }
        const untilMs = nowMs + holdMs(count)
        await db
          .send(
            new UpdateItemCommand({
              TableName: table,
              Key: key(k),
              // Never shorten a hold another node has just lengthened.
              UpdateExpression: 'SET untilMs = :until, expiresAt = :ttl',
              ConditionExpression: 'untilMs < :until',
              ExpressionAttributeValues: values({ ':until': untilMs, ':ttl': ttl(untilMs) }),
            }),
          )
          .catch((err) => {
            if (!(err instanceof ConditionalCheckFailedException)) throw err
          })
        return count
      }
      throw new Error(`strike ${k}: contention did not settle`)
    },
    async forgive(k) {
      await db
        .send(
          new UpdateItemCommand({
            TableName: table,
            Key: key(k),
            UpdateExpression: 'ADD n :minus',
            ConditionExpression: 'n > :zero',
            ExpressionAttributeValues: values({ ':minus': -1, ':zero': 0 }),
          }),
        )
        .catch((err) => {
          if (!(err instanceof ConditionalCheckFailedException)) throw err
        })
    },
    async count(k, nowMs) {
      const out = await db.send(new GetItemCommand({ TableName: table, Key: key(k), ConsistentRead: true }))
      const item = out.Item
      if (item === undefined || Number(item.untilMs?.N ?? 0) <= nowMs) return 0
      return Number(item.n?.N ?? 0)
    },
    async remember(k, untilMs) {
      await db.send(new PutItemCommand({ TableName: table, Item: toItem({ pk: `STRIKE#${k}`, n: 1, untilMs, expiresAt: ttl(untilMs) }) }))
    },
  }
}
