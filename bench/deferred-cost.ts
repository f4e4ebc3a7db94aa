import { costPer1M, type PerMessage } from './prices'

/**
 * What a deferred message adds on AWS (docs/PIPELINE.md "Scheduled and expiring messages"): `npx tsx bench/deferred-cost.ts`.
 * Counted from the writes lib/domain/due.ts and lib/adapters/dynamo/due.ts make, not measured by the bench:
 * - every message: its byDue index entry, put with the record at charge (1 GSI write unit) and removed with its final
 *   state (1): 2 write units, the price of honouring validity_period at all;
 * - a scheduled one besides: the release (UpdateItem 1 + the index entry moved, a delete and a put, 2) and, at the
 *   recheck, the move of its dueAt to the validity (3 more); each read afresh by a consistent BatchGetItem (1 read
 *   unit each time; the keys-only Query over 100 records rounds to nothing); the sweep's invocations, each pass taking
 *   up to 400 records (0.0025 per message), and the dispatch job batched 10 per SendMessageBatch (0.1, as any message).
 * The sweep's own schedule costs 43,200 invocations a month whatever the traffic (printed apart).
 */
const validityOnly: PerMessage = { ddbWriteUnits: 2, ddbReadUnits: 0, sqsRequests: 0, lambdaInvocations: 0 }
const scheduled: PerMessage = { ddbWriteUnits: 2 + 3 + 3, ddbReadUnits: 2, sqsRequests: 0, lambdaInvocations: 2 / 400 }
const idleMonth = costPer1M({ ddbWriteUnits: 0, ddbReadUnits: 0, sqsRequests: 0, lambdaInvocations: 1 }).total * (43_200 / 1e6)

const fmt = (n: number) => `$${n.toFixed(2)}`
console.log(`validity tracking, every message: ${fmt(costPer1M(validityOnly).total)} per 1M messages`)
console.log(`a scheduled message, all told:     ${fmt(costPer1M(scheduled).total)} per 1M deferred messages`)
console.log(`the sweep's schedule, idle:        ${fmt(idleMonth)} per month`)
