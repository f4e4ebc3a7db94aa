import type { Upstream } from '../../lib/domain/model'
import { backoffMs, type SmppUpstreamSettings } from '../../lib/domain/upstream-smpp'
import type { Log } from '../../lib/ports'
import { CommandId, type DataSm, type DeliverSm } from '../../lib/smpp/pdu'
import type { Clock, TimerHandle } from '../session/clock'
import { type BindCommand, SmppClient } from './client'

export interface BindLoopDeps {
  clock: Clock
  log: Log
  random: () => number
  /** The bind password, read from the secret store at each bind (so a rotated secret is picked up on reconnect). */
  password(): Promise<string>
  /** deliver_sm / data_sm from an RX or TRX bind: resolves to the deliver_sm_resp command_status. */
  onDeliver(body: DeliverSm | DataSm): Promise<number>
}

/** What one bind loop tells its group: a bind is up, a bind is gone; and whether to go on. */
export interface BindLoopHooks {
  stopped(): boolean
  up(client: SmppClient, commandId: BindCommand): Promise<void> | void
  down(client: SmppClient): void
  pauses: Pauses
}

/**
 * Keeps one bind slot bound until the group stops: connect and bind, wait for the link to go, and
 * reconnect after a capped, jittered exponential backoff (lib/domain/upstream-smpp.ts, backoffMs).
 */
export async function keepBound(
  upstream: Upstream,
  s: SmppUpstreamSettings,
  deps: BindLoopDeps,
  commandId: BindCommand,
  slot: number,
  hooks: BindLoopHooks,
): Promise<void> {
  const where = { upstreamId: upstream.upstreamId, bind: bindName(commandId), slot }
  let failures = 0
  while (!hooks.stopped()) {
    try {
      const client = await SmppClient.open({
        host: s.host,
        port: s.port,
        tls: s.tls,
        tlsRejectUnauthorized: s.tlsRejectUnauthorized,
        bind: {
          commandId,
          systemId: s.systemId,
          password: await deps.password(),
          systemType: s.systemType,
          addrTon: s.addrTon,
          addrNpi: s.addrNpi,
        },
        responseTimeoutMs: s.responseTimeoutMs,
        enquireLinkIntervalMs: s.enquireLinkIntervalMs,
        onDeliver: (pdu) => deps.onDeliver(pdu),
        clock: deps.clock,
      })
      failures = 0
      const lost = new Promise<Error>((resolve) => client.onClose(resolve))
      if (!hooks.stopped()) deps.log.info('upstream bound', where)
      await hooks.up(client, commandId)
      const reason = await lost
      hooks.down(client)
      if (!hooks.stopped()) deps.log.warn('upstream bind lost', { ...where, reason: reason.message })
    } catch (err) {
      failures++
      deps.log.warn('upstream bind failed', { ...where, failures, err })
    }
    if (!hooks.stopped()) await hooks.pauses.sleep(backoffMs(failures, s.reconnect, deps.random))
  }
}

/** Reconnect pauses that a stop cuts short. */
export class Pauses {
  private wake: Array<() => void> = []

  constructor(private readonly clock: Clock) {}

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined
      const done = () => {
        this.clock.clearTimeout(timer)
        this.wake = this.wake.filter((w) => w !== done)
        resolve()
      }
      timer = this.clock.setTimeout(done, ms)
      this.wake.push(done)
    })
  }

  wakeAll(): void {
    for (const wake of this.wake.splice(0)) wake()
  }
}

const bindName = (id: BindCommand) =>
  id === CommandId.BindTransceiver ? 'transceiver' : id === CommandId.BindTransmitter ? 'transmitter' : 'receiver'
