import type { QueueName, TableName } from '../../lib/resources'
import type { TableAccess } from './grants'

/**
 * Who touches what: each runtime's table and queue access, read from what its code calls (the ports
 * it uses and the adapters behind them, lib/adapters/*). The stack grants exactly this and nothing
 * else; a new call in a handler needs a line here, or it fails with AccessDenied (and alarms).
 */
export interface Access {
  tables: Partial<Record<TableName, TableAccess>>
  /** Tables the runtime may Scan: only the API's paginated admin listings. */
  scan?: TableName[]
  send: QueueName[]
  /** Queues a Fargate-side process consumes (Lambda consumers get theirs from the event source). */
  consume?: QueueName[]
  callback?: 'owner' | 'send'
}

export type Runtime = 'submit' | 'dispatch' | 'dlr' | 'api' | 'node'

export const AccessByRuntime: Record<Runtime, Access> = {
  // Validate, price, route, then charge in one transaction (accounts, messages, usage, ledger, guards);
  // an async refusal's receipt goes out like any delivery (lib/domain/deliver.ts: sessions, pending).
  submit: {
    tables: {
      accounts: 'readwrite',
      reference: 'read',
      messages: 'readwrite',
      ledger: 'write',
      usage: 'write',
      guards: 'readwrite',
      sessions: 'read',
      pending: 'write',
    },
    send: ['dispatch'],
    callback: 'send', // the verdict goes to the posting node's callback queue (SubmitJob.replyTo)
  },
  // Send upstream once; on failure the next upstream, or the final state with a refund and a receipt.
  dispatch: {
    tables: {
      accounts: 'readwrite',
      reference: 'read',
      messages: 'readwrite',
      ledger: 'write',
      usage: 'write',
      guards: 'readwrite',
      sessions: 'read',
      pending: 'write',
    },
    // 'upstream': messages for upstreams of kind smpp go to the bind pool (issue 9). Retries and
    // failover happen inside the invocation (lib/domain/dispatch.ts), not through the queue.
    send: ['upstream'],
    callback: 'send',
  },
  // Receipts and MO: move the message state once, refund failures, store the deliver as pending, notify a node.
  dlr: {
    tables: {
      accounts: 'readwrite',
      reference: 'read',
      messages: 'readwrite',
      ledger: 'write',
      usage: 'write',
      guards: 'readwrite',
      sessions: 'read',
      pending: 'write',
    },
    send: [],
    callback: 'send',
  },
  // Operators and finance: accounts (a top-up is one transaction with a guard and a ledger entry),
  // reference data and API keys, read-only views of the rest; the receipt webhook posts to 'receipts'.
  api: {
    tables: {
      accounts: 'readwrite',
      reference: 'readwrite',
      messages: 'read',
      ledger: 'readwrite',
      usage: 'read',
      guards: 'write',
      sessions: 'read',
      pending: 'read',
    },
    scan: ['accounts'],
    send: ['receipts'],
  },
  // Binds read accounts; query_sm/cancel_sm the message; the verdict deadline decides through guards
  // (ledger.decide); the registry and store-and-forward are the node's own.
  // The upstream bind pool (issue 9) runs in the node's process: it consumes 'upstream', reads upstreams,
  // records the upstream's message id, posts the upstream's receipts to 'receipts', and hands a failed
  // message back to 'dispatch' for the route's next upstream (failover).
  node: {
    tables: {
      accounts: 'read',
      reference: 'read',
      messages: 'readwrite',
      guards: 'readwrite',
      sessions: 'readwrite',
      pending: 'readwrite',
    },
    send: ['submit', 'receipts', 'dispatch'],
    consume: ['upstream'],
    callback: 'owner',
  },
}
