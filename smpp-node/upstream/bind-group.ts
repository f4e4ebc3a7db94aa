import type { Upstream } from '../../lib/domain/model'
import type { SmppUpstreamSettings } from '../../lib/domain/upstream-smpp'
import { CommandId, type Pdu, type SubmitSm } from '../../lib/smpp/pdu'
import { TokenBucket } from '../edge/throttle'
import type { TimerHandle } from '../session/clock'
import { type BindCommand, LinkClosed, type SmppClient } from './client'
import { type BindLoopDeps, type BindLoopHooks, keepBound, Pauses } from './keep-bound'

export type BindGroupDeps = BindLoopDeps

/** No bound transmitter had room before the caller's deadline. */
export class NoBind extends Error {}

interface Waiter {
  body: SubmitSm
  parts: number
  resolve(pdu: Pdu): void
  reject(err: Error): void
  timer: TimerHandle
}

/**
 * The binds of one upstream in this process: `binds` transceivers, or `binds` transmitter + receiver
 * pairs, each kept bound by its own loop that reconnects with capped, jittered exponential backoff.
 * Submits wait in FIFO order for a transmitter with room in its window and for a throughput token.
 */
export class BindGroup {
  private readonly transmitters: SmppClient[] = []
  private readonly all = new Set<SmppClient>()
  private readonly waiters: Waiter[] = []
  private readonly bucket: TokenBucket | undefined
  private pumpTimer: TimerHandle | undefined
  private stopped = false
  private readonly pauses: Pauses
  private loops: Promise<void>[] = []
  /** Epoch ms since when no transmitter is bound (start-up counts as down). */
  downSince: number

  constructor(
    readonly upstream: Upstream,
    readonly settings: SmppUpstreamSettings,
    private readonly deps: BindGroupDeps,
  ) {
    this.downSince = deps.clock.now()
    this.pauses = new Pauses(deps.clock)
    this.bucket = settings.throughput > 0 ? new TokenBucket(settings.throughput, deps.clock.now()) : undefined
  }

  get bound(): number {
    return this.transmitters.length
  }

  start(): void {
    const modes: BindCommand[] =
      this.settings.bindMode === 'trx' ? [CommandId.BindTransceiver] : [CommandId.BindTransmitter, CommandId.BindReceiver]
    const hooks: BindLoopHooks = {
      stopped: () => this.stopped,
      up: async (client, commandId) => {
        this.all.add(client)
        if (this.stopped) await client.unbind()
        if (commandId !== CommandId.BindReceiver) this.addTransmitter(client)
      },
      down: (client) => {
        this.all.delete(client)
        this.removeTransmitter(client)
      },
      pauses: this.pauses,
    }
    for (let i = 0; i < this.settings.binds; i++)
      for (const mode of modes) this.loops.push(keepBound(this.upstream, this.settings, this.deps, mode, i, hooks))
  }

  /** Sends submit_sm on a bound transmitter once the window and throughput allow; NoBind at the deadline. */
  submit(body: SubmitSm, parts: number, deadlineMs: number): Promise<Pdu> {
    if (this.stopped) return Promise.reject(new LinkClosed('stopping'))
    return new Promise<Pdu>((resolve, reject) => {
      const waiter: Waiter = { body, parts, resolve, reject, timer: undefined as unknown as TimerHandle }
      waiter.timer = this.deps.clock.setTimeout(
        () => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1)
          reject(new NoBind(`no bound transmitter to ${this.upstream.upstreamId} with room in its window`))
        },
        Math.max(0, deadlineMs - this.deps.clock.now()),
      )
      this.waiters.push(waiter)
      this.pump()
    })
  }

  /** Stops reconnecting, fails waiting submits, unbinds every bind (each bounded by the response timeout). */
  async stop(): Promise<void> {
    this.stopped = true
    this.cancelWaiting()
    this.pauses.wakeAll()
    await Promise.all([...this.all].map((c) => c.unbind()))
    await Promise.all(this.loops)
  }

  /** Fails the submits still waiting (none of them was sent); those in flight keep their response. */
  cancelWaiting(): void {
    this.deps.clock.clearTimeout(this.pumpTimer)
    for (const w of this.waiters.splice(0)) {
      this.deps.clock.clearTimeout(w.timer)
      w.reject(new LinkClosed('stopping'))
    }
  }

  private pump(): void {
    while (this.waiters.length > 0) {
      const client = this.transmitters
        .filter((c) => !c.closed && c.inFlight < this.settings.window)
        .sort((a, b) => a.inFlight - b.inFlight)[0]
      if (!client) return // woken again by a response or a new bind
      const w = this.waiters[0]
      if (this.bucket && !this.bucket.take(w.parts, this.deps.clock.now())) {
        this.deps.clock.clearTimeout(this.pumpTimer)
        this.pumpTimer = this.deps.clock.setTimeout(() => this.pump(), Math.ceil(1_000 / this.settings.throughput))
        return
      }
      this.waiters.shift()
      this.deps.clock.clearTimeout(w.timer)
      client
        .request(CommandId.SubmitSm, w.body)
        .then(w.resolve, w.reject)
        .finally(() => this.pump())
    }
  }

  private addTransmitter(client: SmppClient): void {
    if (client.closed) return
    this.transmitters.push(client)
    this.pump()
  }

  private removeTransmitter(client: SmppClient): void {
    const at = this.transmitters.indexOf(client)
    if (at >= 0) this.transmitters.splice(at, 1)
    if (this.transmitters.length === 0) this.downSince = this.deps.clock.now()
  }
}
