import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { Stores } from '../../ports'
import { type TableName, Tables } from '../../resources'
import { dynamoAccounts } from './accounts'
import { DefaultShards } from './balance'
import { dynamoCompat } from './compat'
import { dynamoEffects } from './effects'
import { dynamoGuards } from './guards'
import { dynamoLedger } from './ledger'
import { dynamoMessages } from './messages'
import { dynamoFingerprints, dynamoNodes } from './nodes'
import { dynamoPending } from './pending'
import { dynamoQuotas } from './quotas'
import { RecentShards } from './recent-shards'
import { dynamoReference } from './reference'
import { dynamoSessions } from './sessions'
import { dynamoStrikes } from './strikes'
import { dynamoUsage } from './usage'
import { dynamoWebhooks } from './webhooks'

export interface DynamoOptions {
  /** Clock for conditions that compare with now (expired guards, pending claims). */
  now?: () => Date
  /**
   * Days a message record and the refund/credit guards are kept: the messages' TTL is computed here
   * (createdAt + retentionDays) rather than carried on the domain record. Config.retentionDays.
   */
  retentionDays?: number
  /** Items one account's balance is spread over (balance.ts, docs/PIPELINE.md "No hot item"). */
  balanceShards?: number
}

/**
 * Every port over DynamoDB, one adapter per table family, wired once per runtime. A runtime configures only
 * the tables it declares (lib/runtimes.ts); a store over any other gets a name DynamoDB refuses (':' is not
 * allowed in table names), so a call the declaration forgot fails at once with the table named, not silently.
 */
export function dynamoStores(db: DynamoDBClient, configured: Partial<Record<TableName, string>>, opts: DynamoOptions = {}): Stores {
  const tables = Object.fromEntries((Object.keys(Tables) as TableName[]).map((t) => [t, configured[t] ?? `undeclared:${t}`])) as Record<
    TableName,
    string
  >
  const clock = {
    now: opts.now ?? (() => new Date()),
    retentionDays: opts.retentionDays ?? 30,
    balanceShards: Math.max(1, opts.balanceShards ?? DefaultShards),
  }
  const recent = new RecentShards(() => clock.now().getTime()) // the account read's shards, for the charge after it
  return {
    accounts: dynamoAccounts(db, tables, { ...clock, recent }),
    reference: dynamoReference(db, tables.reference),
    messages: dynamoMessages(db, tables.messages),
    ledger: dynamoLedger(db, tables, { ...clock, recent }),
    usage: dynamoUsage(db, tables.usage),
    guards: dynamoGuards(db, tables.guards, clock.now),
    sessions: dynamoSessions(db, tables.sessions),
    pending: dynamoPending(db, tables.pending, clock.now),
    effects: dynamoEffects(db, tables, clock),
    strikes: dynamoStrikes(db, tables.guards),
    quotas: dynamoQuotas(db, tables.guards),
    compat: dynamoCompat(db, tables.compat, clock.retentionDays),
    webhooks: dynamoWebhooks(db, tables.webhooks),
    nodes: dynamoNodes(db, tables.sessions),
    fingerprints: dynamoFingerprints(db, tables.guards),
  }
}
