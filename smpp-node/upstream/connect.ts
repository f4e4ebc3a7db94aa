import net from 'node:net'
import tls from 'node:tls'
import type { Clock } from '../session/clock'
import { LinkClosed } from '../session/link'

export interface ConnectOptions {
  host: string
  port: number
  tls: boolean
  tlsRejectUnauthorized: boolean
  /** The connect (and TLS handshake) is bounded by the bind's response timeout. */
  responseTimeoutMs: number
  clock: Clock
}

/** A TCP or TLS connection to an upstream SMSC, with Nagle off (SMPP PDUs are small and answered one by one). */
export function connect(opts: ConnectOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = opts.tls
      ? tls.connect({ host: opts.host, port: opts.port, rejectUnauthorized: opts.tlsRejectUnauthorized, servername: opts.host })
      : net.connect({ host: opts.host, port: opts.port })
    const timer = opts.clock.setTimeout(
      () => fail(new LinkClosed(`connect to ${opts.host}:${opts.port} timed out`)),
      opts.responseTimeoutMs,
    )
    const fail = (err: Error) => {
      opts.clock.clearTimeout(timer)
      socket.destroy()
      reject(err instanceof LinkClosed ? err : new LinkClosed(`connect to ${opts.host}:${opts.port}: ${err.message}`))
    }
    socket.once('error', fail)
    socket.once(opts.tls ? 'secureConnect' : 'connect', () => {
      opts.clock.clearTimeout(timer)
      socket.off('error', fail)
      socket.setNoDelay(true)
      resolve(socket)
    })
  })
}
