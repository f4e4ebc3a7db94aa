import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { SQSClient } from '@aws-sdk/client-sqs'

/**
 * Per-hop timestamps of a message through the stack (issue 12: take the latency apart). Installed only where
 * HOP_TRACE_DIR is set (bench/hops.ts), as SDK middleware beside the meter, so no handler or domain module
 * knows about it: every SQS send and receive, and the DynamoDB writes that mark a message's progress, append
 * `<epoch ms> <process> <event> <message id>` lines to `<dir>/<process>-<pid>.log`. The processes share one
 * machine's clock, so marks of different processes compare.
 */
export const now = (): number => performance.timeOrigin + performance.now()

const lines: string[] = []
let file: string | undefined

export function mark(proc: string, event: string, id: string, at = now()): void {
  if (file) lines.push(`${at.toFixed(2)} ${proc} ${event} ${id}`)
}

function flush(): void {
  if (!file || lines.length === 0) return
  appendFileSync(file, `${lines.join('\n')}\n`)
  lines.length = 0
}

/** The client message id a body or key refers to (records `<id>#<n>` and guard keys `RECEIPT#<id>#<state>` alike). */
export function idOf(body: unknown): string | undefined {
  if (typeof body === 'string') {
    try {
      return idOf(JSON.parse(body))
    } catch {
      return undefined
    }
  }
  const b = body as { messageId?: unknown; deliver?: { receiptedMessageId?: unknown } } | null
  const raw = b?.messageId ?? b?.deliver?.receiptedMessageId
  return typeof raw === 'string' && raw ? clientId(raw) : undefined
}

const clientId = (raw: string) => (raw.startsWith('RECEIPT#') ? raw.split('#')[1] : raw.split('#', 1)[0])
// A node's callback queue carries its node id: one name for all of them.
const queueOf = (url: unknown) => {
  const name = String(url ?? '').replace(/.*\//, '')
  return name.includes('callback') ? 'callback' : name.replace(/^.*-/, '')
}
const tableOf = (name: unknown) => String(name ?? '').replace(/.*-/, '')

// biome-ignore lint/suspicious/noExplicitAny: the inputs of several SDK commands, read loosely
type Input = Record<string, any>

function traceSqs(client: SQSClient, proc: string): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args)
      const input = args.input as Input
      const queue = queueOf(input.QueueUrl)
      const cmd = context.commandName
      if (cmd === 'SendMessageCommand') markId(proc, `sent:${queue}`, idOf(input.MessageBody))
      if (cmd === 'SendMessageBatchCommand') for (const e of input.Entries ?? []) markId(proc, `sent:${queue}`, idOf(e.MessageBody))
      if (cmd === 'ReceiveMessageCommand')
        for (const m of (out.output as { Messages?: { Body?: string }[] }).Messages ?? []) markId(proc, `got:${queue}`, idOf(m.Body))
      return out
    },
    { step: 'initialize', name: 'hopTraceSqs' },
  )
}

/** The writes that move a message: its charge (a transaction holding its record), a state update, a pending receipt. */
function traceDynamo(client: DynamoDBClient, proc: string): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args)
      const input = args.input as Input
      const cmd = context.commandName
      if (cmd === 'TransactWriteItemsCommand')
        for (const t of input.TransactItems ?? [])
          if (t.Put && tableOf(t.Put.TableName) === 'messages') markId(proc, 'charged', idOf({ messageId: t.Put.Item?.messageId?.S }))
      if (cmd === 'UpdateItemCommand' && tableOf(input.TableName) === 'messages') {
        // messages.ts aliases each SET field as #f<i> = :v<i>.
        const alias = Object.entries(input.ExpressionAttributeNames ?? {}).find(([k, v]) => v === 'state' && k !== '#state')?.[0]
        const state = alias ? input.ExpressionAttributeValues?.[alias.replace('#f', ':v')]?.S : undefined
        markId(proc, `state:${state ?? '?'}`, idOf({ messageId: input.Key?.messageId?.S }))
      }
      if (cmd === 'BatchGetItemCommand')
        // ledger.decisions reads the message items with a projection naming `verdict` (dynamo/decision-item.ts).
        for (const r of (Object.values(input.RequestItems ?? {}) as Input[]).filter((r) => r.ProjectionExpression?.includes('verdict')))
          for (const k of r.Keys ?? []) markId(proc, 'read:decisions', idOf({ messageId: k.messageId?.S }))
      if (cmd === 'PutItemCommand' && tableOf(input.TableName) === 'pending')
        markId(proc, 'pending', idOf({ messageId: input.Item?.deliveryId?.S }))
      return out
    },
    { step: 'initialize', name: 'hopTraceDynamo' },
  )
}

function markId(proc: string, event: string, id: string | undefined): void {
  if (id) mark(proc, event, id)
}

/** Tracing for one process when `dir` is set (the bench); nothing otherwise. */
export function traceFromEnv(dir: string | undefined, proc: string, clients: { dynamo?: DynamoDBClient; sqs?: SQSClient }): void {
  if (!dir?.trim()) return
  if (!file) {
    mkdirSync(dir, { recursive: true })
    file = join(dir, `${proc}-${process.pid}.log`)
    setInterval(flush, 200).unref()
    process.on('exit', flush)
  }
  if (clients.dynamo) traceDynamo(clients.dynamo, proc)
  if (clients.sqs) traceSqs(clients.sqs, proc)
}
