import { SessionDeliverWindow } from '../../smpp-node/bridge/callback-consumer'
import { type Esme, receiptFields } from './esme'

/**
 * What one node process can have outstanding on one session (docs/PIPELINE.md "Receipts after a node crash"): the
 * callback consumer's deliver window and the one deliver_sm of a store-and-forward drain, which that window does
 * not count (smpp-node/bridge/pending-drain.ts).
 */
export const InFlightPerSession = SessionDeliverWindow + 1

/** The receipted ids of a session's deliver_sm, in the order it received them. */
export const receiptIds = (e: Esme): string[] => e.delivered.filter((p) => (p.esm_class & 0x3c) === 0x04).map((p) => receiptFields(p).id)

export interface Repeats {
  /** Receipts the client got more than once, in the order the dead session got them. */
  repeated: string[]
  /** Of those, the ones the dead session got before its last InFlightPerSession deliver_sm: must be none. */
  beforeItsLastWindow: string[]
  /** Receipts that came twice on one session, or more than once on the later sessions together: must be none. */
  unexplained: string[]
}

/**
 * Issue 18: the only receipts a node kill may repeat are the deliver_sm its dead process had outstanding (written,
 * their deliver_sm_resp not yet read, or read in the turn the process died in) on the session. The ESME answers in
 * order and the node reads in order, so these are the last the dead session received, at most InFlightPerSession
 * of them; each then comes exactly once more, on a later session.
 */
export function repeatsAfterKill(dead: string[], later: string[][]): Repeats {
  const count = (ids: string[]) => ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>())
  const onLater = count(later.flat())
  const repeated = [...new Set(dead)].filter((id) => onLater.has(id))
  const tail = new Set(dead.slice(-InFlightPerSession))
  const twice = [dead, ...later].flatMap((ids) => [...count(ids)].filter(([, n]) => n > 1).map(([id]) => id))
  return {
    repeated,
    beforeItsLastWindow: repeated.filter((id) => !tail.has(id)),
    unexplained: [...new Set([...twice, ...[...onLater].filter(([, n]) => n > 1).map(([id]) => id)])],
  }
}
