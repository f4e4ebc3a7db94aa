import type { Decision } from '../ports'
import { adoptedId, canAdopt, cannotAnswer, type NodeEntry } from './adoption'
import { duplicateKey } from './content'
import type { Deps } from './deps'
import { addHours, epochSec } from './ids'
import type { SubmitJob } from './jobs'

/**
 * The submit function's side of adoption (lib/domain/adoption.ts): which jobs of one account's batch are
 * re-sends of a message its dead (or silent) node never answered. Returns, by the job's place in `jobs`, the
 * message id each adopts. Costs nothing while every node process in the registry answers (one Query of the
 * node registry per batch); then one BatchGetItem of the jobs' fingerprints, and one decision write per adoption.
 */
export async function adoptions(
  deps: Deps,
  jobs: SubmitJob[],
  earlier: Map<string, Decision>,
  nodeList: Promise<NodeEntry[]> = deps.stores.nodes.list(),
): Promise<Map<number, string>> {
  const adopted = new Map<number, string>()
  // A redelivered job of an adoption repeats it.
  jobs.forEach((job, n) => {
    const d = earlier.get(job.messageId)
    if (d?.adoptedId) adopted.set(n, d.adoptedId)
  })
  const candidates = jobs.flatMap((job, n) => (canAdopt(job) && !earlier.has(job.messageId) ? [n] : []))
  if (candidates.length === 0) return adopted
  const { fingerprints, ledger } = deps.stores
  const now = deps.now()
  const registry = await nodeList
  if (registry.every((e) => !cannotAnswer(e, now.getTime()))) return adopted
  const keyOf = (job: SubmitJob) =>
    duplicateKey(job.accountId, job.destinations[0].addr, job.text || job.shortMessage + (job.messagePayload ?? ''))
  const owners = await fingerprints.owners(candidates.map((n) => keyOf(jobs[n])))
  // The answer records only of the processes that own a matched fingerprint and cannot answer: after a crash,
  // one small BatchGetItem for the batches with a re-send in them (issue 18, item 1).
  const unable = new Set(
    [...owners.values()]
      .filter((o) =>
        cannotAnswer(
          registry.find((e) => e.incarnation === o.incarnation),
          now.getTime(),
        ),
      )
      .map((o) => o.incarnation),
  )
  const records = unable.size > 0 ? await deps.stores.nodes.answerRecords([...unable]) : new Map()
  await Promise.all(
    candidates.map(async (n) => {
      const job = jobs[n]
      const original = adoptedId(job, owners.get(keyOf(job)), registry, now.getTime(), records)
      if (original === undefined) return
      // The node's deadline races this decision as it races a charge (first writer wins): should its 0x0402
      // win, the job is left to the usual path, which repeats that refusal.
      const decided = await ledger.decide(
        { messageId: job.messageId, status: 0, decidedAt: now.toISOString(), adoptedId: original },
        epochSec(addHours(now, deps.cfg.retentionDays * 24)),
      )
      const id = decided.result === 'recorded' ? original : decided.decision.adoptedId
      if (id === undefined) return
      deps.log.info('re-send adopted', { messageId: job.messageId, adoptedId: id })
      adopted.set(n, id)
    }),
  )
  return adopted
}
