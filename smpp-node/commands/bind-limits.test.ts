import net from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { dynamoStores } from '../../lib/adapters/dynamo'
import { encode as encodePdu } from '../../lib/smpp/codec'
import { CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import { type LocalServices, localServices } from '../../test/local-services'
import { proxyV2Header } from '../edge/proxy-protocol'
import { testAccount } from '../testing/accounts'
import { type Harness, startNode, until } from '../testing/harness'
import { WireClient } from '../testing/wire-client'

const bindPdu = (sequence: number, systemId: string, password: string): Pdu => ({
  commandId: CommandId.BindTransceiver,
  status: 0,
  sequence,
  body: { systemId, password, systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' },
})

/** A raw peer on a real socket; with `from`, it first speaks as a pretend NLB for that client address. */
function peer(port: number, from?: string): Promise<WireClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      if (from) socket.write(proxyV2Header({ address: from, port: 40000 }, { address: '10.0.0.1', port: 2775 }))
      resolve(new WireClient(socket))
    })
    socket.on('error', reject)
  })
}

const statuses = async (c: WireClient, n: number) => {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push((await c.next(8_000)).status)
  return out
}

// Issue 13, items 1 and 6: bind brute force and unauthenticated work, probed over real sockets.
describe('bind limits', () => {
  let h: Harness | undefined
  const peers: WireClient[] = []
  const open = async (port: number, from?: string) => {
    const c = await peer(port, from)
    peers.push(c)
    return c
  }
  afterEach(async () => {
    for (const c of peers.splice(0)) c.stream.destroy()
    await h?.close()
    h = undefined
  })

  it('item 1: 30 wrong passwords and the right one in one write do not end bound', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')], smpp: { bindFailureLimit: 5 } })
    const c = await open(h.port)
    const pdus = Array.from({ length: 30 }, (_, i) => bindPdu(i + 1, 'acme', `bad${i}`))
    c.send(Buffer.concat([...pdus, bindPdu(31, 'acme', 'pw')].map((p) => Buffer.from(encodePdu(p)))))
    const got = await statuses(c, 31)
    expect(got).not.toContain(Status.Ok)
    expect(h.node.sessionCounts().transceiver).toBe(0)
  })

  it('item 1: counts binds in flight on many connections before any password is hashed', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')], smpp: { bindFailureLimit: 3 } })
    const conns = await Promise.all(Array.from({ length: 8 }, () => open(h!.port)))
    for (const [i, c] of conns.entries()) c.send(bindPdu(1, 'acme', i === 7 ? 'pw' : `bad${i}`))
    const got = await Promise.all(conns.map(async (c) => (await c.next(8_000)).status))
    expect(got.filter((s) => s === Status.BindFail).length).toBeGreaterThanOrEqual(5)
  })

  it('item 1: limits a system_id guessed from many addresses, but not the address the customer binds from', async () => {
    h = await startNode({
      accounts: [testAccount('acme', 'pw')],
      smpp: { proxyProtocol: true, bindFailureLimit: 100, bindSystemIdLimit: 3 },
    })
    const customer = await open(h.port, '203.0.113.7')
    customer.send(bindPdu(1, 'acme', 'pw'))
    expect((await customer.next()).status).toBe(Status.Ok)
    customer.stream.destroy()
    const guesses: number[] = []
    for (let i = 0; i < 5; i++) {
      const attacker = await open(h.port, `198.51.100.${i + 1}`)
      attacker.send(bindPdu(1, 'acme', `guess${i}`))
      guesses.push((await attacker.next()).status)
    }
    expect(guesses).toEqual([Status.InvPaswd, Status.InvPaswd, Status.InvPaswd, Status.BindFail, Status.BindFail])
    const again = await open(h.port, '203.0.113.7')
    again.send(bindPdu(1, 'acme', 'pw'))
    expect((await again.next()).status).toBe(Status.Ok)
  })

  it('item 6: a full password-check queue refuses at once instead of queueing guesses', async () => {
    h = await startNode({
      accounts: [testAccount('acme', 'pw')],
      smpp: { bindFailureLimit: 100, bindHashConcurrency: 1, bindHashQueue: 1 },
    })
    const conns = await Promise.all(Array.from({ length: 10 }, () => open(h!.port)))
    for (const c of conns) c.send(bindPdu(1, 'acme', 'bad'))
    const got = await Promise.all(conns.map(async (c) => (await c.next(8_000)).status))
    expect(got.filter((s) => s === Status.BindFail).length).toBeGreaterThan(0)
    expect(got.filter((s) => s === Status.InvPaswd).length).toBeGreaterThanOrEqual(2)
  })

  it('item 6: caps unbound connections per address, and a bind gives its slot back', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')], smpp: { unboundPerAddress: 2 } })
    const [a] = [await open(h.port), await open(h.port)]
    const third = await open(h.port)
    await until(() => third.closed, 3_000, 'third connection closed')
    a.send(bindPdu(1, 'acme', 'pw'))
    expect((await a.next()).status).toBe(Status.Ok)
    const fourth = await open(h.port)
    expect(await fourth.quiet(200)).toBe(true)
    expect(fourth.closed).toBe(false)
  })
})

// Issue 13, item 1: the counts are shared by every node (DynamoDB), so a second node is no fresh start.
describe('bind limits across nodes (DynamoDB Local)', () => {
  let services: LocalServices
  const nodes: Harness[] = []
  beforeAll(async () => {
    services = await localServices()
  })
  afterAll(async () => {
    for (const n of nodes) await n.close()
  })

  it('refuses on node B an address that failed on node A', async () => {
    const stores = dynamoStores(services.db, services.config.tables)
    const a = await startNode({ stores, accounts: [testAccount('acme-x', 'pw')], smpp: { bindFailureLimit: 2 } })
    nodes.push(a)
    const b = await startNode({ stores, smpp: { bindFailureLimit: 2 } })
    nodes.push(b)
    const onA = await peer(a.port)
    onA.send(bindPdu(1, 'acme-x', 'bad1'))
    expect((await onA.next(8_000)).status).toBe(Status.InvPaswd)
    onA.send(bindPdu(2, 'acme-x', 'bad2'))
    expect((await onA.next(8_000)).status).toBe(Status.InvPaswd)
    const onB = await peer(b.port)
    onB.send(bindPdu(1, 'acme-x', 'pw'))
    expect((await onB.next(8_000)).status).toBe(Status.BindFail)
    onA.stream.destroy()
    onB.stream.destroy()
  })
})
