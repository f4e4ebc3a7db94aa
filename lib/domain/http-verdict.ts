import type { Ledger } from '../ports/ledger'
import { Status } from '../smpp/status'
import { decideOnce } from './decision'

export interface VerdictDeps {
  stores: { ledger: Pick<Ledger, 'decision' | 'decide'> }
  now(): Date
  sleep(ms: number): Promise<void>
}

const FirstPollMs = 20
const MaxPollMs = 200

/**
 * How an HTTP request gets its verdict (docs/API.md "Sending over HTTP"): it polls the decision on the message
 * key (the record, or a refusal's decision-only item) that the submit Lambda writes for every message it decides, accepted (0) or refused.
 * A reply queue per API instance would need a queue per Lambda sandbox, created and deleted as sandboxes come
 * and go; the record exists already, costs one consistent GetItem per poll (20 ms, doubling to 200 ms: about 8
 * reads for a verdict in a second), and gives the deadline the node has: at `deadline` the API records 0x0402
 * with the same first-writer-wins guard, so a message the caller was told failed is never charged or sent.
 */
export async function awaitVerdict(deps: VerdictDeps, messageId: string, deadline: number, retentionDays: number): Promise<number> {
  const { ledger } = deps.stores
  for (let wait = FirstPollMs; ; wait = Math.min(wait * 2, MaxPollMs)) {
    const decided = await ledger.decision(messageId)
    if (decided) return decided.status
    const left = deadline - deps.now().getTime()
    if (left <= 0) {
      const out = await decideOnce(ledger, messageId, Status.NotRegistered, deps.now(), retentionDays)
      return out.result === 'recorded' ? Status.NotRegistered : out.decision.status
    }
    await deps.sleep(Math.min(wait, left))
  }
}
