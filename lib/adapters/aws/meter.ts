import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb'
import type { SQSClient } from '@aws-sdk/client-sqs'
import { traceFromEnv } from './hop-trace'
import { transactWriteUnits } from './transact-units'

/**
 * What one process spent on AWS, counted rather than guessed (docs/DESIGN.md rule 5): DynamoDB read and write
 * units as DynamoDB reports them (ReturnConsumedCapacity TOTAL, which DynamoDB Local answers too; a transaction's
 * as AWS bills them, computed from the request: ./transact-units.ts), SQS
 * requests by action, and Lambda invocations (counted by the local event-source runner). Installed only
 * where METER_DIR is set (the bench); the AWS deployment runs without it.
 */
export interface MeterCounts {
  ddbReadUnits: number
  ddbWriteUnits: number
  ddbRequests: number
  /** Write units by operation and table (`TransactWriteItems guards`): where the units go (issue 12). */
  ddbWriteByOp: Record<string, number>
  /** Requests by operation and table (`Query sessions`): what DynamoDB (Local's JVM, or AWS's round trips) serves. */
  ddbRequestsByOp: Record<string, number>
  sqsRequests: number
  sqsByAction: Record<string, number>
  lambdaInvocations: number
  lambdaRecords: number
}

export const emptyCounts = (): MeterCounts => ({
  ddbReadUnits: 0,
  ddbWriteUnits: 0,
  ddbRequests: 0,
  ddbWriteByOp: {},
  ddbRequestsByOp: {},
  sqsRequests: 0,
  sqsByAction: {},
  lambdaInvocations: 0,
  lambdaRecords: 0,
})

/** The counts of this process: one per process, whatever number of clients it builds. */
export const processMeter: MeterCounts = emptyCounts()

const Reads = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand', 'TransactGetItemsCommand'])
const Writes = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand'])

interface Capacity {
  CapacityUnits?: number
  ReadCapacityUnits?: number
  WriteCapacityUnits?: number
  TableName?: string
}

/**
 * Asks DynamoDB for the consumed capacity of every item operation and adds it up. A conditional write that
 * fails still costs its write unit on AWS (DynamoDB developer guide, "condition expressions"), but the error
 * carries no ConsumedCapacity: it is counted as 1 unit, and a cancelled transaction as 2 per item (prepare
 * and commit), an upper bound. Counted once per call, before the SDK's retries.
 */
export function meterDynamo(client: DynamoDBClient, m: MeterCounts = processMeter): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const cmd = context.commandName ?? ''
      const item = Reads.has(cmd) || Writes.has(cmd)
      m.ddbRequests++
      const op = `${cmd.replace(/Command$/, '')} ${tableOf(args.input)}`
      m.ddbRequestsByOp[op] = (m.ddbRequestsByOp[op] ?? 0) + 1
      try {
        const out = await next(item ? ({ ...args, input: { ReturnConsumedCapacity: 'TOTAL', ...args.input } } as typeof args) : args)
        const used = (out.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity
        if (cmd === 'TransactWriteItemsCommand') {
          // DynamoDB Local under-counts transactions (per table, not per item): what AWS bills, from the request.
          const items = (args.input as { TransactItems?: TransactWriteItem[] }).TransactItems ?? []
          for (const [table, units] of transactWriteUnits(items)) addWrite(m, `TransactWriteItems ${table}`, units)
          return out
        }
        if (cmd === 'TransactGetItemsCommand') {
          // 2 read units per item per 4 KB on AWS; the items read so (balance shards) are far below 4 KB.
          m.ddbReadUnits += 2 * ((args.input as { TransactItems?: unknown[] }).TransactItems?.length ?? 0)
          return out
        }
        for (const c of Array.isArray(used) ? used : used ? [used] : []) add(m, cmd, c)
        return out
      } catch (err) {
        const name = (err as { name?: string }).name
        const op = `${cmd.replace(/Command$/, '')} failed`
        if (name === 'ConditionalCheckFailedException') addWrite(m, op, 1)
        if (name === 'TransactionCanceledException')
          addWrite(m, op, 2 * ((args.input as { TransactItems?: unknown[] }).TransactItems?.length ?? 1))
        throw err
      }
    },
    { step: 'initialize', name: 'meterDynamo' },
  )
}

/** The table a request names (the first one of a batch or a transaction). */
function tableOf(input: unknown): string {
  const i = input as { TableName?: string; RequestItems?: object; TransactItems?: Record<string, { TableName?: string }>[] }
  if (i.TableName) return i.TableName
  if (i.RequestItems) return Object.keys(i.RequestItems)[0] ?? '?'
  const first = i.TransactItems?.[0]
  return (first && Object.values(first)[0]?.TableName) ?? '?'
}

function add(m: MeterCounts, cmd: string, c: Capacity): void {
  const op = `${cmd.replace(/Command$/, '')} ${c.TableName ?? '?'}`
  if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
    m.ddbReadUnits += c.ReadCapacityUnits ?? 0
    addWrite(m, op, c.WriteCapacityUnits ?? 0)
  } else if (Reads.has(cmd)) m.ddbReadUnits += c.CapacityUnits ?? 0
  else addWrite(m, op, c.CapacityUnits ?? 0)
}

function addWrite(m: MeterCounts, op: string, units: number): void {
  if (!units) return
  m.ddbWriteUnits += units
  m.ddbWriteByOp[op] = (m.ddbWriteByOp[op] ?? 0) + units
}

/** Counts every SQS request by action: each one is billed (a batch of up to 10 small messages is one request). */
export function meterSqs(client: SQSClient, m: MeterCounts = processMeter): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const action = (context.commandName ?? 'unknown').replace(/Command$/, '')
      m.sqsRequests++
      m.sqsByAction[action] = (m.sqsByAction[action] ?? 0) + 1
      return next(args)
    },
    { step: 'initialize', name: 'meterSqs' },
  )
}

/** One Lambda invocation of `records` SQS records. */
export function countInvocation(records: number, m: MeterCounts = processMeter): void {
  m.lambdaInvocations++
  m.lambdaRecords += records
}

const writers = new Set<string>()

/**
 * Keeps `<dir>/<name>-<pid>.json` up to date (every FlushMs while counts change, and at exit), so the bench
 * can add up every process of a stack from outside. Once per process and name.
 */
export function writeMeterFile(dir: string, name: string, m: MeterCounts = processMeter): void {
  const file = join(dir, `${name}-${process.pid}.json`)
  if (writers.has(file)) return
  writers.add(file)
  mkdirSync(dir, { recursive: true })
  let last = ''
  let writing = false
  // Written aside and renamed: a reader never sees half a file. Synchronously only at start and at exit (an exit
  // handler cannot wait): under the bench's load the periodic write and rename held the node's and the Lambda
  // host's event loop for 5-7 % of the load's time in their profiles, on a busy disk (docs/PERFORMANCE.md,
  // lane `lambdacpu`), which the bench then counted as pipeline latency.
  const flushNow = () => {
    const text = JSON.stringify(m)
    if (text === last) return
    last = text
    writeFileSync(`${file}.tmp`, text)
    renameSync(`${file}.tmp`, file)
  }
  const flushSoon = async () => {
    const text = JSON.stringify(m)
    if (writing || text === last) return
    writing = true
    try {
      await writeFile(`${file}.tmp`, text)
      await rename(`${file}.tmp`, file)
      last = text
    } finally {
      writing = false
    }
  }
  flushNow()
  setInterval(() => void flushSoon(), FlushMs).unref()
  process.on('exit', flushNow)
}

export const FlushMs = 250

/** Sums counts (the bench: every file of a stack). */
export function sumCounts(all: MeterCounts[]): MeterCounts {
  const total = emptyCounts()
  for (const c of all) {
    total.ddbReadUnits += c.ddbReadUnits
    total.ddbWriteUnits += c.ddbWriteUnits
    total.ddbRequests += c.ddbRequests
    total.sqsRequests += c.sqsRequests
    total.lambdaInvocations += c.lambdaInvocations
    total.lambdaRecords += c.lambdaRecords
    for (const [k, v] of Object.entries(c.sqsByAction)) total.sqsByAction[k] = (total.sqsByAction[k] ?? 0) + v
    for (const [k, v] of Object.entries(c.ddbWriteByOp ?? {})) total.ddbWriteByOp[k] = (total.ddbWriteByOp[k] ?? 0) + v
    for (const [k, v] of Object.entries(c.ddbRequestsByOp ?? {})) total.ddbRequestsByOp[k] = (total.ddbRequestsByOp[k] ?? 0) + v
  }
  return total
}

/** Metering for one process when `dir` is set: both clients, and the file the bench reads. */
export function meterFromEnv(dir: string | undefined, name: string, clients: { dynamo?: DynamoDBClient; sqs?: SQSClient }): void {
  traceFromEnv(process.env.HOP_TRACE_DIR, name, clients) // bench/hops.ts: per-hop timestamps (./hop-trace.ts)
  if (!dir?.trim()) return
  if (clients.dynamo) meterDynamo(clients.dynamo)
  if (clients.sqs) meterSqs(clients.sqs)
  writeMeterFile(dir, name)
}
