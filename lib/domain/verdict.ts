import { Status } from '../smpp/status'
import type { Destination, SubmitJob, VerdictMessage } from './jobs'

/** A destination of a submit_multi that was refused: unsuccess_sme (SMPP 3.4 5.2.22 / 4.5.2). */
export interface UnsuccessSme extends Destination {
  status: number // error_status_code
}

/**
 * The verdict for the node's callback queue. `unsuccess` is an addition to VerdictMessage for
 * submit_multi_resp: present when some destinations were refused.
 */
export type Verdict = VerdictMessage & { unsuccess?: UnsuccessSme[] }

/**
 * One status per destination. submit_sm / data_sm: that status. submit_multi: 0 when at least one
 * destination was accepted, with the refused ones in `unsuccess`; when all were refused, the first
 * destination's status, and `unsuccess` lists them all.
 */
export function verdictOf(job: SubmitJob, statuses: readonly number[], adoptedId?: string): Verdict {
  const verdict: Verdict = { type: 'verdict', messageId: job.messageId, status: statuses[0], ...(adoptedId && { adoptedId }) }
  if (job.command !== 'submit_multi') return verdict
  const unsuccess = statuses.flatMap((status, i) => (status === Status.Ok ? [] : [{ ...job.destinations[i], status }]))
  if (unsuccess.length === 0) return verdict
  const anyAccepted = unsuccess.length < statuses.length
  return { ...verdict, status: anyAccepted ? Status.Ok : statuses[0], unsuccess }
}
