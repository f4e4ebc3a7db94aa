import net from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { generate } from 'selfsigned'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Status } from '../../lib/smpp/status'
import { testAccount } from '../testing/accounts'
import { bindTrx, call, connectClient, type Harness, startNode, until, whenClosed } from '../testing/harness'
import { type SmppSession, smpp } from '../testing/smpp-package'
import { proxyV2Header } from './proxy-protocol'

/** An npm `smpp` session over a raw socket that first sends `preamble` (a pretend NLB's PROXY header). */
function viaProxy(port: number, preamble: Buffer): Promise<SmppSession> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(preamble)
      const session = new smpp.Session({ socket })
      session.on('error', () => {})
      resolve(session)
    })
    socket.on('error', reject)
  })
}

describe('listeners', () => {
  let h: Harness
  let tls: { cert: string; key: string }
  const sessions: SmppSession[] = []
  beforeAll(async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048 })
    tls = { cert: pems.cert, key: pems.private }
  })
  afterEach(async () => {
    for (const s of sessions.splice(0)) s.destroy()
    await h?.close()
  })

  it('serves SMPP over TLS with the configured certificate', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')], tls })
    const s = await connectClient(h.listeners.tlsPort!, { tls: true, rejectUnauthorized: false })
    sessions.push(s)
    expect(s.socket.constructor.name).toBe('TLSSocket')
    expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
    expect((await call(s, 'submit_sm', { destination_addr: '491', short_message: 'over tls' })).command_status).toBe(Status.Ok)
  })

  describe('PROXY protocol v2', () => {
    const header = (address: string) => proxyV2Header({ address, port: 51000 }, { address: '10.0.0.1', port: 2775 })

    // The NLB's 3443 without an ACM certificate passes TLS through to the node, the PROXY header first (issue 15).
    it('on the TLS listener: reads the header in clear, then the handshake, and the allow-list sees the real address', async () => {
      h = await startNode({
        accounts: [testAccount('acme', 'pw', { allowList: ['203.0.113.0/24'] })],
        smpp: { proxyProtocol: true },
        tls,
      })
      const raw = await new Promise<net.Socket>((resolve, reject) => {
        const socket = net.connect(h.listeners.tlsPort!, '127.0.0.1', () => resolve(socket))
        socket.on('error', reject)
      })
      raw.write(header('203.0.113.7'))
      const secured = tlsConnect({ socket: raw, rejectUnauthorized: false })
      await new Promise((resolve) => secured.once('secureConnect', resolve))
      const s = new smpp.Session({ socket: secured })
      s.on('error', () => {})
      sessions.push(s)
      expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
      expect((await call(s, 'submit_sm', { destination_addr: '491', short_message: 'passthrough' })).command_status).toBe(Status.Ok)
    })

    it("takes the client's address from the header: the allow-list sees 203.0.113.7, not the proxy", async () => {
      h = await startNode({ accounts: [testAccount('acme', 'pw', { allowList: ['203.0.113.0/24'] })], smpp: { proxyProtocol: true } })
      const s = await viaProxy(h.port, header('203.0.113.7'))
      sessions.push(s)
      expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
    })

    it('refuses the bind when the real address is outside the allow-list, though the proxy is on loopback', async () => {
      h = await startNode({
        accounts: [testAccount('acme', 'pw', { allowList: ['203.0.113.0/24', '127.0.0.0/8'] })],
        smpp: { proxyProtocol: true },
      })
      const s = await viaProxy(h.port, header('198.51.100.9'))
      sessions.push(s)
      expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.InvPaswd)
    })

    it('closes a connection that does not start with a valid header', async () => {
      h = await startNode({ accounts: [testAccount('acme', 'pw')], smpp: { proxyProtocol: true } })
      const s = await connectClient(h.port)
      sessions.push(s)
      s.bind_transceiver({ system_id: 'acme', password: 'pw' })
      await whenClosed(s)
      expect(h.node.connectionCount).toBe(0)
    })

    it('locks out the real address, not the proxy', async () => {
      h = await startNode({ accounts: [testAccount('acme', 'pw')], smpp: { proxyProtocol: true, bindFailureLimit: 1 } })
      const attacker = await viaProxy(h.port, header('198.51.100.66'))
      sessions.push(attacker)
      expect((await bindTrx(attacker, 'acme', 'guess')).command_status).toBe(Status.InvPaswd)
      expect((await bindTrx(attacker, 'acme', 'pw')).command_status).toBe(Status.BindFail)
      const other = await viaProxy(h.port, header('203.0.113.7'))
      sessions.push(other)
      expect((await bindTrx(other, 'acme', 'pw')).command_status).toBe(Status.Ok)
    })
  })

  it('closes after the bind timeout over a real socket', async () => {
    h = await startNode({ smpp: { bindTimeoutMs: 200 } })
    const s = await connectClient(h.port)
    sessions.push(s)
    const started = Date.now()
    await whenClosed(s)
    expect(Date.now() - started).toBeGreaterThanOrEqual(150)
  })

  it('sends enquire_link on an idle link and drops a peer that never answers, without unbind', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')], smpp: { enquireLinkIntervalMs: 150, responseTimeoutMs: 300 } })
    const s = await connectClient(h.port)
    sessions.push(s)
    const seen: string[] = []
    s.on('pdu', (pdu) => seen.push(pdu.command))
    expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
    await whenClosed(s)
    expect(seen).toContain('enquire_link')
    expect(seen).not.toContain('unbind')
  })

  it('keeps a peer that answers enquire_link', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')], smpp: { enquireLinkIntervalMs: 100, responseTimeoutMs: 200 } })
    const s = await connectClient(h.port)
    sessions.push(s)
    let pings = 0
    s.on('enquire_link', (pdu) => {
      pings++
      s.send(pdu.response())
    })
    expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
    await until(() => pings >= 4, 3000, 'four pings')
    expect(s.socket.destroyed).toBe(false)
  })
})

// Issue 13, items 2 and 6: who may speak PROXY, and how long a TLS handshake may take.
describe('listener trust', () => {
  let h: Harness | undefined
  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  it('item 2: closes a PROXY connection from a peer outside the trusted proxies, whatever address it claims', async () => {
    h = await startNode({
      accounts: [testAccount('acme', 'pw', { allowList: ['203.0.113.0/24'] })],
      smpp: { proxyProtocol: true, proxyTrusted: ['10.0.0.0/24'] },
    })
    const s = await viaProxy(h.port, proxyV2Header({ address: '203.0.113.7', port: 1 }, { address: '10.0.0.1', port: 2775 }))
    const status = await bindTrx(s, 'acme', 'pw').then(
      (r) => r.command_status,
      () => 'no answer',
    )
    await whenClosed(s)
    expect(status).toBe('no answer')
    s.destroy()
  })

  it('item 6: drops a TLS connection that never starts its handshake', async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048 })
    h = await startNode({ tls: { cert: pems.cert, key: pems.private }, smpp: { tlsHandshakeTimeoutMs: 200 } })
    const socket = net.connect(h.listeners.tlsPort!, '127.0.0.1')
    socket.on('error', () => {})
    let closed = false
    socket.on('close', () => {
      closed = true
    })
    await until(() => closed, 5_000, 'the idle TLS connection to be dropped')
  })
})
