import type { Ledger } from '../ports/ledger'
import { addHours, epochSec } from './ids'

/**
 * Records the one verdict of a message id (on its message key, first writer wins: docs/PIPELINE.md "Where a
 * decision lives"): the pipeline's refusal, or the node's 0x0402 when its deadline passes first. The charge's
 * record takes the same key, so a message the ESME was told failed is never charged or sent. The decision
 * lives as long as the message records.
 */
export const decideOnce = (ledger: Pick<Ledger, 'decide'>, messageId: string, status: number, now: Date, retentionDays: number) =>
  ledger.decide({ messageId, status, decidedAt: now.toISOString() }, epochSec(addHours(now, retentionDays * 24)))

/**
 * Whether the node has stopped waiting for this job's verdict. Only a node waiting with the submit_sm_resp has
 * a deadline: an async account was answered 0 at once, so a queue backlog must not turn into refusals.
 */
export const isPastDeadline = (job: { async?: boolean; deadline: number }, nowMs: number): boolean => !job.async && nowMs > job.deadline

/**
 * SubmitJob.replyTo of a submit whose sender polls its decision instead of reading a callback queue (the HTTP
 * send API, lib/domain/http-verdict.ts): the pipeline records every verdict there anyway, so it sends none.
 */
export const PollsDecision = 'decision:poll'
