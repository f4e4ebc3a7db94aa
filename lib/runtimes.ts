import type { QueueName, TableName } from './resources'

/**
 * Who touches what, declared once: each runtime's tables and queues, read from what its code calls (the
 * ports it uses and the adapters behind them, lib/adapters/*). lib/config.ts reads exactly these env vars
 * for a runtime (loadConfig(runtime)), and the CDK stack sets those vars and grants exactly these actions
 * (infra/cdk/access.ts, platform-stack.ts): a table cannot be granted without being configured, or the reverse.
 * A new call in a handler needs a line here, or it finds no table name in its Config (and AccessDenied on AWS).
 */
export type TableAccess = 'read' | 'write' | 'readwrite'

export interface RuntimeAccess {
  tables: Partial<Record<TableName, TableAccess>>
  /** Tables the runtime may Scan: only the API's paginated admin listings. */
  scan?: readonly TableName[]
  send: readonly QueueName[]
  /** Queues a Fargate-side process consumes (Lambda consumers get theirs from the event source, no URL needed). */
  consume?: readonly QueueName[]
  callback?: 'owner' | 'send'
}

export type Runtime = 'submit' | 'dispatch' | 'dlr' | 'api' | 'node' | 'due' | 'webhook' | 'sandbox' | 'sandboxSetup'

// The pipeline's three functions charge, settle and deliver through the same stores (lib/domain/settle.ts):
// accounts, messages, usage, ledger and guards in one transaction; an async refusal's or a receipt's deliver
// goes out like any delivery (lib/domain/deliver.ts: sessions, pending).
const pipelineTables = {
  accounts: 'readwrite',
  reference: 'read',
  messages: 'readwrite',
  // The ledger table also holds the balance shards (lib/adapters/dynamo/balance.ts): reading an account reads them.
  ledger: 'readwrite',
  usage: 'write',
  guards: 'readwrite',
  sessions: 'read',
  pending: 'write',
  webhooks: 'write', // an account with a webhook URL gets its receipts and MO there (lib/domain/webhook-event.ts)
} as const

export const Runtimes = {
  // Validate, price, route, then charge; the verdict goes to the posting node's callback queue (SubmitJob.replyTo).
  submit: { tables: pipelineTables, send: ['dispatch', 'webhook'], callback: 'send' },
  // Send upstream once; on failure the next upstream, or the final state with a refund and a receipt.
  // 'upstream': messages for upstreams of kind smpp go to the bind pool (issue 9). Retries and
  // failover happen inside the invocation (lib/domain/dispatch.ts), not through the queue.
  dispatch: { tables: pipelineTables, send: ['upstream', 'webhook'], callback: 'send' },
  // Receipts and MO: move the message state once, refund failures, store the deliver as pending, notify a node.
  dlr: { tables: pipelineTables, send: ['webhook'], callback: 'send' },
  // The due-time sweep (issue 14, lib/domain/due.ts): releases scheduled messages to 'dispatch', settles expiries
  // and cancels (refund, usage, receipt) and a replace's price difference (a ledger entry), as the pipeline does.
  // It also drops the stored receipts and MO whose validity ended undelivered, and counts them (issue 13).
  due: { tables: { ...pipelineTables, pending: 'readwrite' }, send: ['dispatch', 'webhook'], callback: 'send' },
  // Operators and finance: accounts (a top-up is one transaction with a guard and a ledger entry),
  // reference data and API keys, read-only views of the rest; the receipt webhook posts to 'receipts'.
  api: {
    tables: {
      accounts: 'readwrite',
      reference: 'readwrite',
      // HTTP send (functions/api/routes/messages.ts) polls the message key's decision for its verdict and records 0x0402
      // there at its deadline (lib/adapters/dynamo/decision-item.ts): a conditional PutItem.
      messages: 'readwrite',
      ledger: 'readwrite',
      usage: 'read',
      guards: 'readwrite',
      sessions: 'read',
      pending: 'read',
      compat: 'read',
      webhooks: 'readwrite', // list and replay
    },
    scan: ['accounts'],
    // HTTP send posts SubmitJobs like a node; a replay goes back on the webhook queue.
    send: ['receipts', 'submit', 'webhook'],
  },
  // The webhook sender: reads the event and the account's URL and secret, POSTs, records the attempt. It consumes its
  // queue through the event source; it names it too, to set a failed record's visibility to its backoff.
  webhook: {
    tables: { accounts: 'read', ledger: 'read', webhooks: 'readwrite' },
    send: [],
    consume: ['webhook'],
  },
  // Binds read accounts (with their balance shards, in the ledger table); query_sm/cancel_sm the message; the verdict deadline decides through guards
  // (ledger.decide); the registry and store-and-forward are the node's own.
  // The upstream bind pool (issue 9) runs in the node's process: it consumes 'upstream', reads upstreams,
  // records the upstream's message id, posts the upstream's receipts to 'receipts', and hands a failed
  // message back to 'dispatch' for the route's next upstream (failover).
  node: {
    tables: {
      accounts: 'read',
      ledger: 'read', // an account's balance shards, read with the account at bind
      reference: 'read',
      messages: 'readwrite',
      guards: 'readwrite',
      sessions: 'readwrite',
      pending: 'readwrite',
      compat: 'write', // what it observes of each ESME session, flushed in batches (issue 19)
    },
    send: ['submit', 'receipts', 'dispatch'],
    consume: ['upstream'],
    callback: 'owner',
  },
  // The sandbox upstream on AWS (issue 19, functions/sandbox/handler.ts): answers the HTTP upstream contract and
  // reports its receipts on 'receipts', as the local simulator does. It reads no table.
  sandbox: { tables: {}, send: ['receipts'] },
  // The deploy-time custom resource that registers upstream 'sandbox' and its zero-cost tariff (functions/sandbox/register.ts).
  sandboxSetup: { tables: { reference: 'write' }, send: [] },
} as const satisfies Record<Runtime, RuntimeAccess>

type Decl = typeof Runtimes
type Consumed<D> = D extends { consume: readonly (infer Q)[] } ? Q : never
/** A runtime's tables; for a union of runtimes (code shared by several), only the tables every one of them has. */
export type TablesOf<R extends Runtime> = keyof Decl[R]['tables'] & TableName
// Distributes over a union of runtimes: `true` only when every one of them has the queue.
type Has<R extends Runtime, Q> = R extends Runtime ? (Q extends Decl[R]['send'][number] | Consumed<Decl[R]> ? true : false) : never
/** The queues whose URL a runtime's config holds: those it sends to and those it consumes itself (for a union, the common ones). */
export type QueuesOf<R extends Runtime> = { [Q in QueueName]: [Has<R, Q>] extends [true] ? Q : never }[QueueName]

export const tablesOf = (r: Runtime): TableName[] => Object.keys(Runtimes[r].tables) as TableName[]
export const queuesOf = (r: Runtime): QueueName[] => {
  const d: RuntimeAccess = Runtimes[r]
  return [...new Set([...d.send, ...(d.consume ?? [])])]
}
