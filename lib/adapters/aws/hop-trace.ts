import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { SQSClient } from '@aws-sdk/client-sqs'

/**
 * Per-hop timestamps of a message through the stack (issue 12: take the latency apart). Installed only where
 * HOP_TRACE_DIR is set (bench/hops.ts), as SDK middleware beside the meter, so no handler or domain module
 * knows about it: every SQS send and receive, and the DynamoDB writes that mark a message's progress, append
 * `<epoch ms> <process> <event> <message id>` lines to `<dir>/<process>-<pid>.log` (when: see `tracing`). The processes share one machine's clock, so marks of different processes compare.
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

/** One mark a request makes: what happened (`sent:verdict`, `state:DELIVERED`, ...) to which client message id. */
export interface HopMark {
  event: string
  id: string
}

/** The client message id of a record id `<id>#<n>`, a guard key `RECEIPT#<id>#<state>`, or a plain id. */
export const clientId = (raw: string): string => (raw.startsWith('RECEIPT#') ? raw.split('#')[1] : raw.split('#', 1)[0])

const parsed = (body: unknown): unknown => {
  if (typeof body !== 'string') return body
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}

/**
 * The marks one queue message body makes, as `<verb>:<what>`. A node's callback queue carries three kinds, told
 * apart by their `type` because they are different hops: a verdict, a bundle of one invocation's verdicts
 * (lib/domain/verdict-bundle.ts: one mark per verdict in it) and a delivery nudge (receiptedMessageId). The
 * other queues are named by their queue: a submit or dispatch job, an upstream's receipt (when it echoes our id).
 */
export function bodyMarks(verb: 'sent' | 'got', queue: string, body: unknown): HopMark[] {
  const b = parsed(body) as
    | { type?: unknown; messageId?: unknown; verdicts?: { messageId?: unknown }[]; deliver?: { receiptedMessageId?: unknown } }
    | null
    | undefined
  if (!b || typeof b !== 'object') return []
  const what = queue !== 'callback' ? queue : b.type === 'deliver' ? 'deliver' : 'verdict'
  const raw = b.type === 'verdicts' ? (b.verdicts ?? []).map((v) => v?.messageId) : [b.messageId ?? b.deliver?.receiptedMessageId]
  return raw.filter((r): r is string => typeof r === 'string' && r !== '').map((r) => ({ event: `${verb}:${what}`, id: clientId(r) }))
}

// A node's callback queue carries its node id: one name for all of them.
const queueOf = (url: unknown) => {
  const name = String(url ?? '').replace(/.*\//, '')
  return name.includes('callback') ? 'callback' : name.replace(/^.*-/, '')
}
const tableOf = (name: unknown) => String(name ?? '').replace(/.*-/, '')

// biome-ignore lint/suspicious/noExplicitAny: the inputs of several SDK commands, read loosely
type Input = Record<string, any>

/** The marks of one SQS command: its sends, and what a receive brought back. */
export function sqsMarks(command: string, input: Input, output: Input | undefined): HopMark[] {
  const queue = queueOf(input.QueueUrl)
  if (command === 'SendMessageCommand') return bodyMarks('sent', queue, input.MessageBody)
  if (command === 'SendMessageBatchCommand') return (input.Entries ?? []).flatMap((e: Input) => bodyMarks('sent', queue, e.MessageBody))
  if (command === 'ReceiveMessageCommand') return ((output?.Messages ?? []) as Input[]).flatMap((m) => bodyMarks('got', queue, m.Body))
  return []
}

/** A conditional state move of the messages table (dynamo/messages.ts aliases each SET field as #f<i> = :v<i>). */
function stateMark(update: Input): HopMark[] {
  const id = update.Key?.messageId?.S
  if (tableOf(update.TableName) !== 'messages' || typeof id !== 'string') return []
  const alias = Object.entries(update.ExpressionAttributeNames ?? {}).find(([k, v]) => v === 'state' && k !== '#state')?.[0]
  const state = alias ? update.ExpressionAttributeValues?.[alias.replace('#f', ':v')]?.S : undefined
  // An update that sets no state (a lease, a bookkeeping field) is no hop of the message.
  return typeof state === 'string' ? [{ event: `state:${state}`, id: clientId(id) }] : []
}

/** The record a charge puts, or a stored delivery (its deliveryId is the receipt's guard key or an MO's id). */
function putMark(put: Input): HopMark[] {
  const table = tableOf(put.TableName)
  const id = table === 'messages' && put.Item?.state ? put.Item?.messageId?.S : table === 'pending' ? put.Item?.deliveryId?.S : undefined
  if (typeof id !== 'string') return []
  return [{ event: table === 'messages' ? 'charged' : 'pending', id: clientId(id) }]
}

/**
 * The marks of the DynamoDB writes that move a message, alone or inside a transaction (the charge of a batch,
 * lib/adapters/dynamo/charge-batch.ts; the DLR's effects, dynamo/effects.ts): a charged record, a state move,
 * a stored delivery; and the read of a batch's decisions (a BatchGetItem projecting `verdict`, dynamo/decision-item.ts).
 */
export function dynamoMarks(command: string, input: Input): HopMark[] {
  if (command === 'TransactWriteItemsCommand')
    return ((input.TransactItems ?? []) as Input[]).flatMap((t) => [
      ...(t.Put ? putMark(t.Put) : []),
      ...(t.Update ? stateMark(t.Update) : []),
    ])
  if (command === 'UpdateItemCommand') return stateMark(input)
  if (command === 'PutItemCommand') return putMark(input)
  if (command === 'BatchGetItemCommand')
    return (Object.values(input.RequestItems ?? {}) as Input[])
      .filter((r) => String(r.ProjectionExpression ?? '').includes('verdict'))
      .flatMap((r) => ((r.Keys ?? []) as Input[]).map((k) => k.messageId?.S))
      .filter((id): id is string => typeof id === 'string')
      .map((id) => ({ event: 'read:decisions', id: clientId(id) }))
  return []
}

type Marks = (command: string, input: Input, output: Input | undefined) => HopMark[]

/**
 * Marks a send when it is issued, everything else once its request returned (a write committed, a receive's
 * messages in hand). SQS answers a waiting long poll as soon as a message is there, so the receiver often has it
 * before the sender has its own answer: a send marked on return would make the queue hop negative. The send's
 * own round trip is then part of the queue hop, which is where the message is.
 */
const tracing =
  (proc: string, marks: Marks) =>
  // biome-ignore lint/suspicious/noExplicitAny: one middleware for both clients' commands
  (next: (args: any) => Promise<any>, context: { commandName?: string }) =>
  // biome-ignore lint/suspicious/noExplicitAny: as above
  async (args: any) => {
    const command = String(context.commandName)
    const issued = now()
    const out = await next(args)
    const at = command.startsWith('Send') ? issued : now()
    for (const m of marks(command, args.input as Input, out.output as Input)) mark(proc, m.event, m.id, at)
    // Every request's own time too, as `took:<command> <ms>`: how much of a hop is DynamoDB's or SQS's answer.
    mark(proc, `took:${command.replace(/Command$/, '')}`, (now() - issued).toFixed(1), issued)
    return out
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
  if (clients.dynamo) clients.dynamo.middlewareStack.add(tracing(proc, dynamoMarks), { step: 'initialize', name: 'hopTraceDynamo' })
  if (clients.sqs) clients.sqs.middlewareStack.add(tracing(proc, sqsMarks), { step: 'initialize', name: 'hopTraceSqs' })
}
