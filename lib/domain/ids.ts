/**
 * Keys and ids the pipeline derives from the node-assigned message id. Every "exactly once" effect is
 * a conditional write on one of these keys (docs/DESIGN.md rule 2; lib/resources.ts, guards table).
 */

/**
 * submit_multi: one record per destination. The first keeps the node's id (so the node's deadline
 * decision on <messageId> and query_sm on the id it answered both refer to it); the others get
 * `<messageId>#<n>`. Receipts show the client the id it was given (see clientMessageId).
 */
export const recordId = (messageId: string, index: number): string => (index === 0 ? messageId : `${messageId}#${index}`)

/** The message_id the client got in submit_sm_resp / submit_multi_resp for a record. */
export const clientMessageId = (recordId: string): string => recordId.split('#', 1)[0]

export const GuardKey = {
  receipt: (messageId: string, state: string) => `RECEIPT#${messageId}#${state}`,
  usage: (messageId: string, state: string) => `USAGE#${messageId}#${state}`,
  mo: (fingerprint: string) => `MO#${fingerprint}`,
  duplicate: (accountId: string, destination: string, textHash: string) => `DUP#${accountId}#${destination}#${textHash}`,
} as const

export const epochSec = (d: Date): number => Math.floor(d.getTime() / 1000)
export const addHours = (d: Date, hours: number): Date => new Date(d.getTime() + hours * 3_600_000)
/** UTC day, the usage counters' sort key prefix. */
export const utcDay = (d: Date | string): string => new Date(d).toISOString().slice(0, 10)
