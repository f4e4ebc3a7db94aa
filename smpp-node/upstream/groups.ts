import type { Upstream } from '../../lib/domain/model'
import { smppSettingsOf } from '../../lib/domain/upstream-smpp'
import type { Log, QueueSender, ReferenceStore } from '../../lib/ports'
import type { SecretSource } from '../../lib/ports/secrets'
import { Status } from '../../lib/smpp/status'
import type { Clock } from '../session/clock'
import { BindGroup } from './bind-group'
import { UnreadableReceipt, upstreamEventOf } from './inbound'

export interface GroupsDeps {
  reference: ReferenceStore
  secrets: SecretSource
  queues: QueueSender
  receiptsQueueUrl: string
  clock: Clock
  log: Log
  random: () => number
  /** Settings are read again after this long, so operator changes reach running binds. */
  refreshMs: number
}

interface Entry {
  group: BindGroup
  signature: string
  checkedAt: number
}

/**
 * The bind groups of this process, one per smpp upstream, created from the reference table on first
 * use (or at start for every smpp upstream, so receipts flow before any traffic). A group whose
 * settings changed is replaced: new submits go to the new binds, the old ones unbind after the
 * response timeout, when their outstanding submit_sm have been answered.
 */
export class UpstreamGroups {
  private readonly entries = new Map<string, Entry>()
  private readonly retiring = new Set<Promise<void>>()

  constructor(private readonly deps: GroupsDeps) {}

  /** Binds every upstream of kind smpp now. */
  async startAll(): Promise<void> {
    let cursor: string | undefined
    for (let page = 0; page < 100; page++) {
      const { items, cursor: next } = await this.deps.reference.listUpstreams(100, cursor)
      for (const upstream of items) if (upstream.kind === 'smpp') this.use(upstream)
      if (!next) break
      cursor = next
    }
  }

  /** The group for an upstream, or undefined when it is missing, not smpp, or misconfigured (logged). */
  async groupFor(upstreamId: string): Promise<BindGroup | undefined> {
    const entry = this.entries.get(upstreamId)
    if (entry && this.deps.clock.now() - entry.checkedAt < this.deps.refreshMs) return entry.group
    const upstream = await this.deps.reference.upstream(upstreamId)
    if (upstream?.kind !== 'smpp') {
      if (entry) this.retire(upstreamId, entry)
      this.deps.log.warn('no smpp upstream by this id', { upstreamId, kind: upstream?.kind })
      return undefined
    }
    return this.use(upstream)
  }

  get groups(): BindGroup[] {
    return [...this.entries.values()].map((e) => e.group)
  }

  /** Submits no longer wait for a bind; used first when stopping, so in-flight jobs end quickly. */
  cancelWaiting(): void {
    for (const { group } of this.entries.values()) group.cancelWaiting()
  }

  async stopAll(): Promise<void> {
    const groups = [...this.entries.values()].map((e) => e.group.stop())
    this.entries.clear()
    await Promise.all([...groups, ...this.retiring])
  }

  private use(upstream: Upstream): BindGroup | undefined {
    const now = this.deps.clock.now()
    const signature = JSON.stringify([upstream.smpp, upstream.secretRef, upstream.timeoutMs])
    const entry = this.entries.get(upstream.upstreamId)
    if (entry?.signature === signature) {
      entry.checkedAt = now
      return entry.group
    }
    if (entry) this.retire(upstream.upstreamId, entry)
    let group: BindGroup
    try {
      const settings = smppSettingsOf(upstream)
      group = new BindGroup(upstream, settings, {
        clock: this.deps.clock,
        log: this.deps.log,
        random: this.deps.random,
        password: () => this.password(upstream),
        onDeliver: async (body) => {
          try {
            const event = upstreamEventOf(body, upstream.upstreamId, settings, new Date(this.deps.clock.now()))
            // deliver_sm_resp only once the event is safely on the queue: the SMSC redelivers otherwise.
            await this.deps.queues.send(this.deps.receiptsQueueUrl, event)
            return Status.Ok
          } catch (err) {
            this.deps.log.warn('deliver_sm from upstream not taken', { upstreamId: upstream.upstreamId, err })
            // Permanent for a receipt no one can read (the SMSC must not resend it forever), temporary otherwise.
            return err instanceof UnreadableReceipt ? Status.XPAppn : Status.XTAppn
          }
        },
      })
    } catch (err) {
      this.deps.log.error('smpp upstream misconfigured', { upstreamId: upstream.upstreamId, err })
      return undefined
    }
    this.entries.set(upstream.upstreamId, { group, signature, checkedAt: now })
    group.start()
    return group
  }

  private retire(upstreamId: string, entry: Entry): void {
    this.entries.delete(upstreamId)
    entry.group.cancelWaiting()
    const done = new Promise<void>((resolve) => this.deps.clock.setTimeout(resolve, entry.group.settings.responseTimeoutMs))
      .then(() => entry.group.stop())
      .finally(() => this.retiring.delete(done))
    this.retiring.add(done)
  }

  private async password(upstream: Upstream): Promise<string> {
    if (!upstream.secretRef) return ''
    const secret = await this.deps.secrets.get(upstream.secretRef)
    if (secret === undefined) throw new Error(`secret ${upstream.secretRef} of upstream ${upstream.upstreamId} not found`)
    return secret
  }
}
