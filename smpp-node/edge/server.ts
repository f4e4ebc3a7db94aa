import { readFileSync } from 'node:fs'
import net from 'node:net'
import type { Duplex } from 'node:stream'
import tls from 'node:tls'
import type { SmppConfig } from '../../lib/config'
import type { Log } from '../../lib/ports'
import type { Clock } from '../session/clock'
import type { Remote } from '../session/session'
import { isAllowed, normalizeAddress } from './allow-list'
import { readProxyHeader } from './proxy-protocol'

export interface Listeners {
  /** Bound ports (useful with port 0 in tests). */
  tcpPort?: number
  tlsPort?: number
  /** Stops accepting; sessions already open are the node's to drain. */
  close(): Promise<void>
}

/** Who takes the connections: the node (node/node.ts), handed in by the wiring so the edge does not reach up to it. */
export interface Acceptor {
  readonly log: Log
  readonly draining: boolean
  readonly metrics: { count(name: string): void }
  accept(stream: Duplex, remote: Remote): unknown
}

export interface ListenOptions {
  smpp: Pick<SmppConfig, 'host' | 'port' | 'tlsPort' | 'proxyProtocol' | 'proxyTrusted' | 'bindTimeoutMs' | 'tlsHandshakeTimeoutMs'>
  /** PEM contents (main.ts reads the files named in the config). TLS is off without them. */
  tls?: { cert: string | Buffer; key: string | Buffer }
  clock: Clock
}

/** PEM files from the config, or undefined when either is unset. */
export const readTlsFiles = (smpp: Pick<SmppConfig, 'tlsCertFile' | 'tlsKeyFile'>): ListenOptions['tls'] =>
  smpp.tlsCertFile && smpp.tlsKeyFile ? { cert: readFileSync(smpp.tlsCertFile), key: readFileSync(smpp.tlsKeyFile) } : undefined

/**
 * The TCP listener (with a PROXY v2 header first when configured: behind the NLB, which also terminates
 * TLS on AWS) and the TLS listener (local TLS termination; no PROXY header there, nothing sits in front).
 */
export async function listen(node: Acceptor, opts: ListenOptions): Promise<Listeners> {
  const { smpp, clock } = opts
  const servers: net.Server[] = []

  const onSocket = async (socket: net.Socket, proxied: boolean, secure?: tls.SecureContext) => {
    socket.on('error', () => {}) // reported through the connection; an early reset must not crash the node
    socket.setNoDelay(true)
    let remote = { address: normalizeAddress(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 }
    if (proxied) {
      // Issue 13, item 2: a PROXY header is believed only from the load balancer (SMPP_PROXY_TRUSTED); anyone
      // else reaching the task directly could claim any address, so it is closed before a byte is read.
      if (smpp.proxyTrusted.length === 0 || !isAllowed(smpp.proxyTrusted, remote.address)) {
        node.log.warn('connection from outside the trusted proxies closed', { address: remote.address })
        node.metrics.count('connectionsRefused')
        socket.destroy()
        return
      }
      const header = await readProxyHeader(socket, clock, smpp.bindTimeoutMs || 10_000)
      if (header.kind !== 'ok') {
        node.log.warn('connection without a valid PROXY header closed', {
          address: remote.address,
          why: header.kind === 'invalid' ? header.reason : '',
        })
        socket.destroy()
        return
      }
      if (header.source) remote = { address: normalizeAddress(header.source.address), port: header.source.port }
    }
    if (secure) {
      // TLS passthrough behind the NLB (3443 without an ACM certificate): the PROXY header comes in clear text
      // before the ClientHello, so the handshake starts only after it (any bytes read past it were unshifted).
      const secured = await startTls(socket, secure, smpp.tlsHandshakeTimeoutMs || 10_000)
      if (!secured) return
      socket = secured
    }
    if (node.draining) {
      socket.destroy()
      return
    }
    node.accept(socket, remote)
  }

  const start = (server: net.Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, smpp.host, () => {
        server.off('error', reject)
        servers.push(server)
        resolve((server.address() as net.AddressInfo).port)
      })
    })

  const tcpPort = await start(
    net.createServer((s) => void onSocket(s, smpp.proxyProtocol)),
    smpp.port,
  )
  let tlsPort: number | undefined
  if (opts.tls && smpp.proxyProtocol) {
    const context = tls.createSecureContext({ cert: opts.tls.cert, key: opts.tls.key })
    tlsPort = await start(
      net.createServer((s) => void onSocket(s, true, context)),
      smpp.tlsPort,
    )
  } else if (opts.tls) {
    // Issue 13, item 6: a peer that opens TLS and never finishes the handshake is dropped (Node waits 120 s).
    const server = tls.createServer({ cert: opts.tls.cert, key: opts.tls.key, handshakeTimeout: smpp.tlsHandshakeTimeoutMs || 10_000 })
    server.on('secureConnection', (s) => void onSocket(s, false))
    // A failed or timed-out handshake is the client's problem, not a crash; with a listener here Node leaves the socket open.
    server.on('tlsClientError', (_err, socket) => socket.destroy())
    tlsPort = await start(server, smpp.tlsPort)
  }
  return {
    tcpPort,
    tlsPort,
    // server.close() stops accepting at once; its callback would wait for every session to end, which is the drain's job.
    close: async () => {
      for (const s of servers) s.close()
    },
  }
}

/** Server side of a TLS handshake on an accepted socket; undefined (socket destroyed) when it fails or stalls. */
function startTls(socket: net.Socket, secureContext: tls.SecureContext, timeoutMs: number): Promise<tls.TLSSocket | undefined> {
  return new Promise((resolve) => {
    // TLSSocket reads what the socket already holds (the unshifted bytes after the PROXY header) first.
    const secured = new tls.TLSSocket(socket, { isServer: true, secureContext })
    const timer = setTimeout(() => fail(), timeoutMs)
    const fail = () => {
      clearTimeout(timer)
      secured.destroy()
      socket.destroy()
      resolve(undefined)
    }
    secured.once('secure', () => {
      clearTimeout(timer)
      secured.off('error', fail)
      secured.on('error', () => {}) // from here the connection reports its errors
      resolve(secured)
    })
    secured.once('error', fail)
    socket.resume()
  })
}
