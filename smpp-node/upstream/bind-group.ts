import type { Upstream } from '../../lib/domain/model'
import { backoffMs, type SmppUpstreamSettings } from '../../lib/domain/upstream-smpp'
import type { Log } from '../../lib/ports'
import { CommandId, type DataSm, type DeliverSm, type Pdu, type SubmitSm } from '../../lib/smpp/pdu'
import { TokenBucket } from '../edge/throttle'
import type { Clock, TimerHandle } from '../session/clock'
import { type BindCommand, LinkClosed, SmppClient } from './client'

export interface BindGroupDeps {
  clock: Clock
  log: Log
  random: () => number
  /** The bind password, read from the secret store at each bind (so a rotated secret is picked up on reconnect). */
  password(): Promise<string>
  /** deliver_sm / data_sm from an RX or TRX bind: resolves to the deliver_sm_resp command_status. */
  onDeliver(body: DeliverSm | DataSm): Promise<number>
}

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
  private wake: Array<() => void> = []
  private loops: Promise<void>[] = []
  /** Epoch ms since when no transmitter is bound (start-up counts as down). */
  downSince: number

  constructor(
    readonly upstream: Upstream,
    readonly settings: SmppUpstreamSettings,
    private readonly deps: BindGroupDeps,
  ) {
    this.downSince = deps.clock.now()
    this.bucket = settings.throughput > 0 ? new TokenBucket(settings.throughput, deps.clock.now()) : undefined
  }

  get bound(): number {
    return this.transmitters.length
  }

  start(): void {
    const modes: BindCommand[] =
      this.settings.bindMode === 'trx' ? [CommandId.BindTransceiver] : [CommandId.BindTransmitter, CommandId.BindReceiver]
    for (let i = 0; i < this.settings.binds; i++) for (const mode of modes) this.loops.push(this.keepBound(mode, i))
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
    for (const wake of this.wake.splice(0)) wake()
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

  private async keepBound(commandId: BindCommand, slot: number): Promise<void> {
    const { upstreamId } = this.upstream
    const s = this.settings
    let failures = 0
    while (!this.stopped) {
      try {
        const client = await SmppClient.open({
          host: s.host,
          port: s.port,
          tls: s.tls,
          tlsRejectUnauthorized: s.tlsRejectUnauthorized,
          bind: {
            commandId,
            systemId: s.systemId,
            password: await this.deps.password(),
            systemType: s.systemType,
            addrTon: s.addrTon,
            addrNpi: s.addrNpi,
          },
          responseTimeoutMs: s.responseTimeoutMs,
          enquireLinkIntervalMs: s.enquireLinkIntervalMs,
          onDeliver: (pdu) => this.deps.onDeliver(pdu),
          clock: this.deps.clock,
        })
        failures = 0
        const lost = new Promise<Error>((resolve) => client.onClose(resolve))
        this.all.add(client)
        if (this.stopped) await client.unbind()
        else this.deps.log.info('upstream bound', { upstreamId, bind: commandName(commandId), slot })
        if (commandId !== CommandId.BindReceiver) this.addTransmitter(client)
        const reason = await lost
        this.all.delete(client)
        this.removeTransmitter(client)
        if (!this.stopped)
          this.deps.log.warn('upstream bind lost', { upstreamId, bind: commandName(commandId), slot, reason: reason.message })
      } catch (err) {
        failures++
        this.deps.log.warn('upstream bind failed', { upstreamId, bind: commandName(commandId), slot, failures, err })
      }
      if (!this.stopped) await this.pause(backoffMs(failures, s.reconnect, this.deps.random))
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

  // A reconnect pause that stop() cuts short.
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.deps.clock.clearTimeout(timer)
        this.wake = this.wake.filter((w) => w !== done)
        resolve()
      }
      const timer = this.deps.clock.setTimeout(done, ms)
      this.wake.push(done)
    })
  }
}

const commandName = (id: BindCommand) =>
  id === CommandId.BindTransceiver ? 'transceiver' : id === CommandId.BindTransmitter ? 'transmitter' : 'receiver'
