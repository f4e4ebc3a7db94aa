import type { Duplex } from 'node:stream'
import type { Clock } from '../session/clock'

/**
 * PROXY protocol version 2 (haproxy.org proxy-protocol.txt, section 2.2): the AWS NLB puts this binary
 * header in front of the client's bytes when proxy protocol is on for the target group, so the node
 * learns the real client address (allow-lists, lockouts, logs). With it configured, a connection that
 * does not start with a valid header is closed: otherwise any client reaching the node directly could
 * claim any address.
 */
export const ProxySignature = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a])

const Command = { Local: 0x0, Proxy: 0x1 } as const
const Family = { Unspec: 0x00, Tcp4: 0x11, Udp4: 0x12, Tcp6: 0x21, Udp6: 0x22 } as const

export interface ProxySource {
  address: string
  port: number
}

export type ProxyParse =
  | { kind: 'incomplete' }
  | { kind: 'invalid'; reason: string }
  /** `source` is absent for LOCAL (the proxy's own health check) and for families without an IP address. */
  | { kind: 'ok'; length: number; source?: ProxySource }

export function parseProxyV2(buf: Buffer): ProxyParse {
  const sig = Math.min(buf.length, ProxySignature.length)
  if (!buf.subarray(0, sig).equals(ProxySignature.subarray(0, sig))) return { kind: 'invalid', reason: 'no PROXY v2 signature' }
  if (buf.length < 16) return { kind: 'incomplete' }
  const verCmd = buf[12]
  if (verCmd >> 4 !== 2) return { kind: 'invalid', reason: `PROXY version ${verCmd >> 4}` }
  const command = verCmd & 0x0f
  if (command !== Command.Local && command !== Command.Proxy) return { kind: 'invalid', reason: `PROXY command ${command}` }
  const family = buf[13]
  const length = 16 + buf.readUInt16BE(14)
  if (buf.length < length) return { kind: 'incomplete' }
  if (command === Command.Local) return { kind: 'ok', length }
  if (family === Family.Tcp4 || family === Family.Udp4) {
    if (length < 16 + 12) return { kind: 'invalid', reason: 'IPv4 address block too short' }
    return { kind: 'ok', length, source: { address: [...buf.subarray(16, 20)].join('.'), port: buf.readUInt16BE(24) } }
  }
  if (family === Family.Tcp6 || family === Family.Udp6) {
    if (length < 16 + 36) return { kind: 'invalid', reason: 'IPv6 address block too short' }
    const groups: string[] = []
    for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(16 + i * 2).toString(16))
    return { kind: 'ok', length, source: { address: groups.join(':'), port: buf.readUInt16BE(48) } }
  }
  // UNSPEC or AF_UNIX: the proxy does not know the address; the connection is accepted with the socket's.
  return { kind: 'ok', length }
}

/** Builds a v2 PROXY header for TCP over IPv4 (tests and the bench speak through a pretend NLB). */
export function proxyV2Header(source: ProxySource, dest: ProxySource): Buffer {
  const h = Buffer.alloc(28)
  ProxySignature.copy(h, 0)
  h[12] = 0x21 // version 2, PROXY
  h[13] = Family.Tcp4
  h.writeUInt16BE(12, 14)
  Buffer.from(source.address.split('.').map(Number)).copy(h, 16)
  Buffer.from(dest.address.split('.').map(Number)).copy(h, 20)
  h.writeUInt16BE(source.port, 24)
  h.writeUInt16BE(dest.port, 26)
  return h
}

/**
 * Reads the header off the stream, then puts back whatever followed it (the first SMPP bytes). Resolves
 * with the parse, or `invalid` when the header is malformed, the peer closes, or nothing valid arrives in time.
 */
export function readProxyHeader(stream: Duplex, clock: Clock, timeoutMs: number): Promise<ProxyParse> {
  return new Promise((resolve) => {
    let buf: Buffer = Buffer.alloc(0)
    const finish = (result: ProxyParse, rest?: Buffer) => {
      clock.clearTimeout(timer)
      stream.off('data', onData)
      stream.off('close', onClose)
      stream.pause()
      if (rest && rest.length > 0) stream.unshift(rest)
      resolve(result)
    }
    const onData = (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
      const parsed = parseProxyV2(buf)
      if (parsed.kind === 'ok') finish(parsed, buf.subarray(parsed.length))
      else if (parsed.kind === 'invalid') finish(parsed)
    }
    const onClose = () => finish({ kind: 'invalid', reason: 'closed before the PROXY header' })
    const timer = clock.setTimeout(() => finish({ kind: 'invalid', reason: 'no PROXY header in time' }), timeoutMs)
    stream.on('data', onData)
    stream.on('close', onClose)
  })
}
