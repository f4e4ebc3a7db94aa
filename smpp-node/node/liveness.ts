import { deadIncarnations, MissedBeats } from '../../lib/domain/adoption'
import type { Log, Stores } from '../../lib/ports'
import type { AnswerLog } from '../bridge/answer-log'
import type { Clock, TimerHandle } from '../session/clock'

export interface LivenessDeps {
  nodes: Stores['nodes']
  nodeId: string
  incarnation: string
  callbackQueueUrl: string
  /** Beat interval; the process counts as dead after MissedBeats missed beats. */
  beatMs: number
  clock: Clock
  log: Log
  /** Issue 18, item 1: what this process answered, written to its entry every `answersMs` while it changes. */
  answers?: AnswerLog
  answersMs?: number
}

/** The answer record's flush: a re-send of a message answered this long before a crash is a new message. */
export const AnswersFlushMs = 200

/**
 * This node process in the node registry (issue 18): at start it marks its predecessors with the same node id
 * dead (a restart after a crash), then beats every `beatMs`; at the end of a drain it retires. Its claims read
 * the registry (deadClaimants), so the node knows which processes died: their pending claims are taken over at
 * once rather than after the claim's full timeout, and the submit function adopts re-sends of their messages.
 */
export class NodeLiveness {
  private dead: readonly string[] = []
  private readAtMs = Number.NEGATIVE_INFINITY
  private reading?: Promise<void>
  private written?: { atMs: number; unsure: number }
  private timer?: TimerHandle
  private flushTimer?: TimerHandle
  private stopped = false

  constructor(private readonly deps: LivenessDeps) {}

  /**
   * Incarnations known dead by a read of the registry at most one beat old: a claim one of them holds is free. The
   * registry is read when a claim or a drain asks, not at every beat (issue 12: an idle node made a Query every
   * 2 s that nothing used); under load that is still at most one read per beat, and one read serves every caller.
   */
  async deadClaimants(): Promise<readonly string[]> {
    if (this.reading === undefined && this.deps.clock.now() - this.readAtMs >= this.deps.beatMs) {
      this.reading = this.readRegistry().finally(() => {
        this.reading = undefined
      })
    }
    // A caller during a read gets its answer, not the list it replaces.
    if (this.reading !== undefined) await this.reading
    return this.dead
  }

  /** Supersedes the predecessors and writes the first beat; resolves once both are written (or failed). */
  async start(): Promise<void> {
    const { nodes, nodeId, incarnation, clock, log } = this.deps
    try {
      const older = await nodes.supersede(nodeId, incarnation, clock.now())
      if (older.length > 0) log.info('predecessors marked dead', { incarnations: older.map((e) => e.incarnation) })
    } catch (err) {
      log.error('node registry supersede failed', { err })
    }
    const first = clock.now()
    await this.beat()
    await this.deadClaimants() // before it listens: the drain of a rebind after a crash takes the dead one's claims
    this.schedule(first)
    this.scheduleFlush()
  }

  /**
   * Stops beating and marks this process dead, with its last answer record (issue 18, item 4: after a drain or
   * scale-in, what it did not answer is listed unsure, and can be adopted); its claims can now be taken.
   */
  async retire(): Promise<void> {
    this.stop()
    const now = this.deps.clock.now()
    await this.deps.nodes
      .retire(this.deps.incarnation, now, this.deps.answers?.take(now, true))
      .catch((err) => this.deps.log.error('node retire failed', { err }))
  }

  /** The last answer record written (its time and how many ids it left unsure), for the health endpoint. */
  lastAnswerRecord(): { atMs: number; unsure: number } | undefined {
    return this.written
  }

  stop(): void {
    this.stopped = true
    this.deps.clock.clearTimeout(this.timer)
    this.deps.clock.clearTimeout(this.flushTimer)
  }

  /**
   * Beats start one `beatMs` apart, however long the last one's write and read took: other processes judge
   * silence from the beat's start (isSilent, one beat and a margin), so a slow table must not stretch the gaps.
   */
  private schedule(lastStart = this.deps.clock.now()): void {
    if (this.stopped) return
    const { clock, beatMs } = this.deps
    this.timer = clock.setTimeout(
      () => {
        const start = clock.now()
        void this.beat().finally(() => this.schedule(start))
      },
      Math.max(0, lastStart + beatMs - clock.now()),
    )
  }

  /** One write per flush period, and only while answers change (an idle node writes nothing). */
  private scheduleFlush(): void {
    const { answers, clock, nodes, incarnation, log } = this.deps
    if (this.stopped || answers === undefined) return
    this.flushTimer = clock.setTimeout(() => {
      const record = answers.take(clock.now())
      const written = record
        ? nodes.answered(incarnation, record).then(() => {
            this.written = { atMs: record.atMs, unsure: record.unsure.length }
          })
        : Promise.resolve()
      void written.catch((err) => log.error('answer record not written', { err })).finally(() => this.scheduleFlush())
    }, this.deps.answersMs ?? AnswersFlushMs)
  }

  private async beat(): Promise<void> {
    const { nodes, nodeId, incarnation, callbackQueueUrl, beatMs, clock, log } = this.deps
    try {
      const now = clock.now()
      await nodes.beat({ nodeId, incarnation, callbackQueueUrl, aliveUntilMs: now + MissedBeats * beatMs, beatMs })
    } catch (err) {
      log.error('node beat failed', { err })
    }
  }

  /** A failed read keeps the last list, and the next one waits a beat like any other (no retry storm on a stall). */
  private async readRegistry(): Promise<void> {
    const { nodes, incarnation, clock, log } = this.deps
    this.readAtMs = clock.now()
    try {
      // Never itself: a beat whose write outlasted three beats leaves its own entry lapsed, and its own claims taken
      // over would let its bind's drain and its callback consumer send one item twice on one session.
      const dead = deadIncarnations(await nodes.list(), clock.now())
      dead.delete(incarnation)
      this.dead = [...dead].slice(0, 90) // an IN list holds 100 values
    } catch (err) {
      log.error('node registry read failed', { err })
    }
  }
}
