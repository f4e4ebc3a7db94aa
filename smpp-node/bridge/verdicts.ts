import { decideOnce } from '../../lib/domain/decision'
import type { VerdictMessage } from '../../lib/domain/jobs'
import { clientIdOf } from '../../lib/domain/message-id-format'
import type { Ledger, Log } from '../../lib/ports'
import { CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status, type StatusCode } from '../../lib/smpp/status'
import type { Clock, TimerHandle } from '../session/clock'
import type { Session } from '../session/session'
import type { AnswerLog } from './answer-log'

/** How long the deadline's decision write may take before the peer is answered 0x0402 regardless. */
export const DecideWaitMs = 2_000

/** The destinations of a submit_multi the pipeline refused while it accepted others (parse.ts CallbackMessageSchema). */
export type Unsuccess = NonNullable<VerdictMessage['unsuccess']>

/**
 * The body of a positive submit_sm_resp / data_sm_resp / submit_multi_resp, with the id in the account's format
 * (issue 17: the record id of a decimal id holds its account). submit_multi_resp lists each refused destination
 * with its dest_addr_ton, dest_addr_npi, destination_addr and error_status_code (SMPP 3.4 4.5.2, unsuccess_sme
 * 5.2.22/4.5.2.1).
 */
export const submitRespBody = (commandId: number, recordId: string, unsuccess: Unsuccess = []): object => {
  const messageId = clientIdOf(recordId)
  return commandId === CommandId.SubmitMulti
    ? {
        messageId,
        unsuccessSmes: unsuccess.map((u) => ({
          destAddrTon: u.ton,
          destAddrNpi: u.npi,
          destinationAddr: u.addr,
          errorStatusCode: u.status,
        })),
      }
    : { messageId }
}

/** Where a verdict goes: the session the submit came on (only its reply). */
export type Replier = Pick<Session, 'reply'>

/** What the book counts: deadline expiries and late decisions, and the verdict latency. */
export interface VerdictMetrics {
  count(name: string): void
  verdictLatency: { record(ms: number): void }
}

interface Waiting {
  conn: Replier
  req: Pdu
  deadline: number
  startedAt: number
  /** Called just before the answer (the submit's in-flight slot, edge/in-flight.ts): no closure per submit to wrap the reply. */
  release?: () => void
}

export interface VerdictDeps {
  clock: Clock
  log: Log
  metrics: VerdictMetrics
  ledger: Ledger
  retentionDays: number
  /** Issue 18: told of each wait and each answer, for the node's answer record (answer-log.ts). */
  answers?: Pick<AnswerLog, 'opened' | 'answered'>
}

/**
 * Submits waiting for the pipeline's verdict on this node's callback queue. Each is answered exactly once:
 * by the verdict, or at its deadline with 0x0402. At the deadline the node writes the decision first
 * (ledger.decide, first writer wins), so the pipeline, which checks the same decision before charging,
 * never charges or sends a message the ESME was told failed; if the pipeline won the race, the ESME gets
 * the pipeline's verdict instead.
 *
 * Deadlines are a constant offset from arrival, so Map insertion order is deadline order and one timer
 * on the oldest entry serves them all (no timer per message).
 */
export class VerdictBook {
  private readonly waiting = new Map<string, Waiting>()
  private timer?: TimerHandle

  constructor(private readonly deps: VerdictDeps) {}

  get size(): number {
    return this.waiting.size
  }

  wait(messageId: string, conn: Replier, req: Pdu, deadline: number, startedAt: number, release?: () => void): void {
    this.waiting.set(messageId, { conn, req, deadline, startedAt, release })
    this.deps.answers?.opened(messageId)
    if (this.timer === undefined) this.arm()
  }

  /** A verdict from the callback queue. False when nobody waits for it (answered at the deadline, or another node's). */
  settle(messageId: string, status: StatusCode, unsuccess?: Unsuccess, adoptedId?: string): boolean {
    const w = this.waiting.get(messageId)
    if (w === undefined) return false
    this.waiting.delete(messageId)
    this.deps.metrics.verdictLatency.record(this.deps.clock.now() - w.startedAt)
    // Issue 18: an adopted re-send is answered with the id of the message it re-sent, the one its receipt names.
    answer(w, adoptedId ?? messageId, status, unsuccess)
    this.deps.answers?.answered(messageId)
    return true
  }

  /** The job could not be posted: decide it now, as at the deadline. */
  expireNow(messageId: string): void {
    const w = this.waiting.get(messageId)
    if (w === undefined) return
    this.waiting.delete(messageId)
    void this.expire(messageId, w)
  }

  private arm(): void {
    const first = this.waiting.values().next()
    if (first.done) {
      this.timer = undefined
      return
    }
    const { clock } = this.deps
    this.timer = clock.setTimeout(() => this.sweep(), Math.max(0, first.value.deadline - clock.now()))
  }

  private sweep(): void {
    const now = this.deps.clock.now()
    for (const [messageId, w] of this.waiting) {
      if (w.deadline > now) break
      this.waiting.delete(messageId)
      void this.expire(messageId, w)
    }
    this.arm()
  }

  private async expire(messageId: string, w: Waiting): Promise<void> {
    const { clock, ledger, log, metrics, retentionDays } = this.deps
    metrics.count('verdictsExpired')
    let status: StatusCode = Status.NotRegistered
    try {
      const decided = decideOnce(ledger, messageId, Status.NotRegistered, new Date(clock.now()), retentionDays)
      // A stalled table must not hold the answer (the SDK has no request timeout): after DecideWaitMs the peer
      // hears 0x0402 while the write goes on. Should the pipeline's charge then win, it is logged (issue 8 e2e).
      let timer: TimerHandle | undefined
      const late = new Promise<'late'>((resolve) => {
        timer = clock.setTimeout(() => resolve('late'), DecideWaitMs)
      })
      const r = await Promise.race([decided, late])
      clock.clearTimeout(timer)
      if (r === 'late') {
        metrics.count('decisionsLate')
        decided
          .then((d) => {
            if (d.result === 'already-decided' && d.decision.status === Status.Ok)
              log.error('answered 0x0402 but the pipeline accepted the message', { messageId })
          })
          .catch((err) => log.error('deadline decision not recorded', { messageId, err }))
      } else if (r.result === 'already-decided') status = r.decision.status
    } catch (err) {
      // The decision could not be written; 0x0402 is still the honest answer ("retry is safe" is then best effort).
      log.error('deadline decision not recorded', { messageId, err })
    }
    answer(w, messageId, status)
    this.deps.answers?.answered(messageId)
  }
}

function answer(w: Waiting, messageId: string, status: StatusCode, unsuccess?: Unsuccess): void {
  w.release?.()
  w.conn.reply(w.req, status, status === Status.Ok ? submitRespBody(w.req.commandId, messageId, unsuccess) : {})
}
