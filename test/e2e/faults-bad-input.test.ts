import { connect, type Socket } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { anyPduArb } from '../../lib/smpp/arbitraries'
import { encode } from '../../lib/smpp/codec'
import { CommandId } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import { WireClient } from '../../smpp-node/testing/wire-client'
import { sharedServicesStack } from '../integration/stacks'
import { connectEsme, type Esme } from './esme'
import { createAccount, expectStatus } from './fixtures'
import { type Outcome, submitLoad } from './load'
import { eventually, rssKb, type Stack, StartTimeoutMs, sleep, stopStack } from './stack'

/**
 * Issue 8, bad input at the socket and security: fuzzed and mutated PDUs, slow-drip frames, oversize
 * command_length, 1,200 connections that never bind, brute-force binds and another account's data through
 * the API. The node must stay up with bounded memory while a good client on another session keeps working.
 * Abuse comes from other loopback addresses (127.0.0.2-4), so the per-address bind lockout it provokes never
 * touches the good client on 127.0.0.1.
 */
vi.setConfig({ testTimeout: 120_000 })
// The node closes a connection still unbound at this time, even with its bind being checked (scrypt, a GetItem): 1.5 s
// closed good binds on a loaded machine with another e2e file beside this one; 4 s is still far below the drip's ~16 s.
const BindTimeoutMs = 4_000
let stack: Stack
let good: { id: string; password: string }
const open: Esme[] = []

const raw = (from: string) =>
  new Promise<{ sock: Socket; wire: WireClient }>((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port: stack.ports.smpp, localAddress: from }, () =>
      resolve({ sock, wire: new WireClient(sock) }),
    )
    sock.once('error', reject)
  })
const closedWithin = (sock: Socket, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (sock.destroyed || sock.readyState === 'closed') return resolve(true)
    const t = setTimeout(() => resolve(false), ms)
    sock.once('close', () => {
      clearTimeout(t)
      resolve(true)
    })
  })
const health = async () => (await fetch(`http://127.0.0.1:${stack.ports.health}/health`)).status
const bindPdu = (systemId: string, password: string, sequence = 1) =>
  encode({
    commandId: CommandId.BindTransceiver,
    status: 0,
    sequence,
    body: { systemId, password, systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' },
  })

/** A good client's bounded load, run beside the abuse: every submit must be accepted. */
async function goodTraffic(during: Promise<unknown>): Promise<Outcome[]> {
  const e = await connectEsme(stack.ports.smpp)
  open.push(e)
  expectStatus((await e.bind('transceiver', good.id, good.password)).command_status, Status.Ok)
  const [outcomes] = await Promise.all([
    submitLoad(e, { count: 60, window: 2, paceMs: 50, fields: () => ({ registered_delivery: 0 }) }),
    during,
  ])
  e.close()
  return outcomes
}
// Status 0 is itself the bound: the node answers 0x0402 at its verdict deadline, so an accepted submit was answered
// in time. How fast is a figure for the bench (bench/e2e.ts), not a wall-clock threshold here (issue 18).
const expectAllAccepted = (o: Outcome[]) => {
  expect(o.filter((x) => x.status !== Status.Ok)).toEqual([])
}

beforeAll(async () => {
  stack = await sharedServicesStack({ BIND_TIMEOUT_MS: String(BindTimeoutMs), BIND_FAILURE_LIMIT: '5', BIND_LOCKOUT_MS: '60000' })
  good = await createAccount(stack, 'good')
}, StartTimeoutMs + 30_000)

afterAll(async () => {
  for (const e of open) e.close()
  await stopStack(stack)
}, 90_000)

describe('bad input at the socket', () => {
  it('survives a bounded fuzz run of random and mutated PDUs', async () => {
    const node = stack.pidOf('smpp')!
    const pdus = fc.sample(anyPduArb(), { numRuns: 400, seed: 8 }).map(encode)
    const rnd = fc.sample(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })), { numRuns: 400, seed: 9 })
    const frames = pdus.map((b, i) => {
      const [at, cut, byte] = rnd[i]
      const m = Buffer.from(b)
      switch (i % 4) {
        case 0: // valid as generated
          return m
        case 1: // one byte of the body changed, command_length kept
          if (m.length > 16) m[16 + (at % (m.length - 16))] = byte
          return m
        case 2: // command_length says more or less than is there
          m.writeUInt32BE(Math.max(16, m.length + ((cut % 41) - 20)), 0)
          return m
        default: // the body cut short, with a length that matches the cut
          return (() => {
            const c = m.subarray(0, Math.max(16, m.length - 1 - (cut % Math.max(1, m.length - 16))))
            c.writeUInt32BE(c.length, 0)
            return c
          })()
      }
    })
    const abuse = (async () => {
      for (let c = 0; c < 20; c++) {
        const { sock, wire } = await raw('127.0.0.2')
        for (const f of frames.slice(c * 20, c * 20 + 20)) if (!sock.destroyed) wire.send(f)
        await closedWithin(sock, 300)
        sock.destroy()
      }
    })()
    expectAllAccepted(await goodTraffic(abuse))
    expect(await health()).toBe(200)
    expect(stack.pidOf('smpp')).toBe(node)
  })

  it('takes a bind dripped one byte every 5 ms, and closes a drip that cannot finish within the bind timeout', async () => {
    const { sock, wire } = await raw('127.0.0.1')
    for (const byte of bindPdu(good.id, good.password)) {
      sock.write(Buffer.of(byte))
      await sleep(5)
    }
    const resp = await wire.next(5_000)
    expect(resp.commandId).toBe(CommandId.BindTransceiverResp)
    expectStatus(resp.status, Status.Ok)
    sock.destroy()

    // The drip takes about 40 bytes x 400 ms, four times the bind timeout: the event that decides is the node closing
    // the socket while bytes of the bind were still to come (no wall-clock threshold; the wait is only a bound).
    const slow = await raw('127.0.0.2')
    const pdu = bindPdu(good.id, good.password)
    let sent = 0
    const drip = (async () => {
      for (const byte of pdu) {
        if (slow.sock.destroyed) return
        slow.sock.write(Buffer.of(byte))
        sent++
        await sleep(400)
      }
    })()
    expect(await closedWithin(slow.sock, pdu.length * 400 + 5_000)).toBe(true)
    expect(sent).toBeLessThan(pdu.length)
    await drip
  })

  it.each([
    ['over the maximum', 0x7fffffff],
    ['under the header', 8],
  ])('answers a command_length %s with generic_nack and closes', async (_n, length) => {
    const { sock, wire } = await raw('127.0.0.2')
    const header = Buffer.alloc(16)
    header.writeUInt32BE(length, 0)
    header.writeUInt32BE(CommandId.SubmitSm, 4)
    header.writeUInt32BE(7, 12)
    sock.write(Buffer.concat([header, Buffer.alloc(1024, 0x41)]))
    const nack = await wire.next(5_000)
    expect(nack.commandId).toBe(CommandId.GenericNack)
    expect(nack.status).not.toBe(Status.Ok)
    expect(await closedWithin(sock, 5_000)).toBe(true)
    expect(await health()).toBe(200)
  })

  it('closes 1,200 connections that never bind, with memory bounded and a good client unaffected', async () => {
    const node = stack.pidOf('smpp')!
    const rssBefore = rssKb(node)
    const during = { maxConnections: 0 }
    const socks: Socket[] = []
    const abuse = (async () => {
      for (let batch = 0; batch < 12; batch++) {
        const opened = await Promise.all(Array.from({ length: 100 }, () => raw('127.0.0.4').then((r) => r.sock)))
        socks.push(...opened)
      }
      const h = (await (await fetch(`http://127.0.0.1:${stack.ports.health}/health`)).json()) as { connections: number }
      during.maxConnections = h.connections
      // Each is closed by the node once its bind timeout passes.
      const closed = await Promise.all(socks.map((s) => closedWithin(s, BindTimeoutMs + 15_000)))
      expect(closed.filter((c) => !c).length).toBe(0)
    })()
    expectAllAccepted(await goodTraffic(abuse))
    const rssAfter = rssKb(node)
    console.info('never-bound connections:', { rssBeforeKb: rssBefore, rssAfterKb: rssAfter, connectionsAtPeak: during.maxConnections })
    expect(rssAfter - rssBefore).toBeLessThan(150_000) // kB: nothing per connection is kept after close
    expect(await health()).toBe(200)
    // The node holds no connection of the abuse any more (health counts open connections).
    await eventually('connections released', async () => {
      const h = (await (await fetch(`http://127.0.0.1:${stack.ports.health}/health`)).json()) as { connections: number }
      return h.connections < 10
    })
  })
})

describe('security', () => {
  it('locks an address out after repeated failed binds, without locking out others', async () => {
    const attempt = async (from: string, password: string) => {
      const { sock, wire } = await raw(from)
      sock.write(bindPdu(good.id, password))
      const resp = await wire.next(5_000)
      sock.destroy()
      return resp.status
    }
    const wrong: number[] = []
    for (let i = 0; i < 5; i++) wrong.push(await attempt('127.0.0.3', `bad${i}`))
    expect(wrong.every((s) => s === Status.InvPaswd || s === Status.BindFail)).toBe(true)
    // The right password no longer helps from that address during the lockout...
    expectStatus(await attempt('127.0.0.3', good.password), Status.BindFail)
    // ...while another address binds as usual.
    expectStatus(await attempt('127.0.0.1', good.password), Status.Ok)
  })

  it("does not let an account's API key read another account's data", async () => {
    const other = await createAccount(stack, 'other')
    const key = await stack.api('POST', '/api-keys', { role: 'account', accountId: good.id, name: 'e2e account key' })
    expect(key.status).toBe(201)
    const own = await stack.api('GET', `/accounts/${good.id}/balance`, undefined, key.body.key)
    expect(own.status).toBe(200)
    for (const path of [`/accounts/${other.id}/balance`, `/accounts/${other.id}/messages`, `/accounts/${other.id}`]) {
      const r = await stack.api('GET', path, undefined, key.body.key)
      expect([403, 404]).toContain(r.status)
      expect(JSON.stringify(r.body)).not.toContain('balance')
    }
  })
})
