import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { SubmitJob } from '../../lib/domain/jobs'
import { Status } from '../../lib/smpp/status'
import { testAccount } from '../testing/accounts'
import { bindTrx, CallbackUrl, call, connectClient, type Harness, startNode, until, whenClosed } from '../testing/harness'
import type { SmppPdu, SmppSession } from '../testing/smpp-package'
import { serveHealth } from './health'

describe('node', () => {
  let h: Harness
  const sessions: SmppSession[] = []
  const client = async () => {
    const s = await connectClient(h.port)
    sessions.push(s)
    return s
  }
  afterEach(async () => {
    for (const s of sessions.splice(0)) s.destroy()
    await h?.close()
  })

  describe('throttling', () => {
    it('answers submits over the account speed with ESME_RTHROTTLED, after a burst of one second', async () => {
      h = await startNode({ accounts: [testAccount('acme', 'pw', { speed: 5 })] })
      const s = await client()
      expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
      await until(() => h.node.throttles.rateOf('acme') === 5, 2000, 'rate set')
      const statuses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => call(s, 'submit_sm', { destination_addr: '491', short_message: `m${i}` })),
      )
      const ok = statuses.filter((p) => p.command_status === Status.Ok).length
      const throttled = statuses.filter((p) => p.command_status === Status.Throttled).length
      expect(ok + throttled).toBe(20)
      expect(ok).toBeGreaterThanOrEqual(5)
      expect(ok).toBeLessThanOrEqual(6)
      // The bucket refills at the speed: a little later the account may send again.
      await new Promise((r) => setTimeout(r, 450))
      expect((await call(s, 'submit_sm', { destination_addr: '491', short_message: 'again' })).command_status).toBe(Status.Ok)
    })

    it("takes only this node's share of the speed: the registry says another node holds half the sessions", async () => {
      h = await startNode({ accounts: [testAccount('acme', 'pw', { speed: 100 })] })
      const other = {
        accountId: 'acme',
        nodeId: 'node-b',
        callbackQueueUrl: 'q',
        boundAt: new Date().toISOString(),
        expiresAt: Math.floor(Date.now() / 1000) + 60,
      }
      await h.stores.sessions.put({ ...other, sessionId: 's1', bindType: 'transmitter' })
      await h.stores.sessions.put({ ...other, sessionId: 's2', bindType: 'receiver' }) // receivers do not submit
      expect((await bindTrx(await client(), 'acme', 'pw')).command_status).toBe(Status.Ok)
      await until(() => h.node.throttles.rateOf('acme') === 50, 2000, 'half the speed')
      expect((await bindTrx(await client(), 'acme', 'pw', 'bind_transmitter')).command_status).toBe(Status.Ok)
      await until(() => Math.abs((h.node.throttles.rateOf('acme') ?? 0) - 200 / 3) < 0.01, 2000, 'two thirds of the speed')
    })

    it('counts a long message_payload as the parts it costs', async () => {
      h = await startNode({ accounts: [testAccount('acme', 'pw', { speed: 3 })] })
      const s = await client()
      expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
      await until(() => h.node.throttles.rateOf('acme') === 3, 2000, 'rate set')
      // 400 septets = 3 parts: it empties the bucket, the next single part is throttled.
      expect((await call(s, 'submit_sm', { destination_addr: '491', message_payload: Buffer.alloc(400, 0x41) })).command_status).toBe(
        Status.Ok,
      )
      expect((await call(s, 'submit_sm', { destination_addr: '491', short_message: 'one' })).command_status).toBe(Status.Throttled)
    })
  })

  describe('drain (SIGTERM)', () => {
    it('sends unbind, still answers the verdicts in flight, then closes and deregisters', async () => {
      const held: SubmitJob[] = []
      h = await startNode({ accounts: [testAccount('acme', 'pw')], verdictOf: (job) => void held.push(job) })
      const health = await serveHealth(h.node, 0, '127.0.0.1')
      const s = await client()
      const order: string[] = []
      s.on('unbind', (pdu: SmppPdu) => {
        order.push('unbind')
        s.send(pdu.response())
      })
      expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
      const resp = call(s, 'submit_sm', { destination_addr: '491', short_message: 'in flight' }).then((p) => {
        order.push('submit_sm_resp')
        return p
      })
      await until(() => held.length === 1, 2000, 'job posted')
      await until(async () => (await h.stores.sessions.list('acme', 0)).length === 1, 2000, 'registered')
      const drained = h.node.drain()
      await until(() => order.includes('unbind'), 2000, 'unbind')
      expect((await fetch(`http://127.0.0.1:${health.port}/health`)).status).toBe(503)
      // A new bind during the drain is refused.
      await h.listeners.close()
      // The pipeline's verdict arrives after the unbind: the ESME still gets its submit_sm_resp.
      await h.queues.send(CallbackUrl, { type: 'verdict', messageId: held[0].messageId, status: 0 })
      expect((await resp).command_status).toBe(Status.Ok)
      await drained
      await whenClosed(s)
      expect(order).toEqual(['unbind', 'submit_sm_resp'])
      expect(await h.stores.sessions.list('acme', 0)).toEqual([])
      await health.close()
    })

    it('gives up waiting at the drain deadline and closes anyway', async () => {
      h = await startNode({
        accounts: [testAccount('acme', 'pw')],
        verdictOf: () => undefined,
        smpp: { drainTimeoutMs: 300, verdictDeadlineMs: 10_000 },
      })
      const s = await client()
      s.on('unbind', (pdu: SmppPdu) => s.send(pdu.response()))
      expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
      s.submit_sm({ destination_addr: '491', short_message: 'never decided' })
      await until(() => h.node.verdicts.size === 1, 2000, 'waiting verdict')
      const started = Date.now()
      await h.node.drain()
      expect(Date.now() - started).toBeLessThan(2_000)
      await whenClosed(s)
    })
  })

  it('serves health and metrics as JSON', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')] })
    const health = await serveHealth(h.node, 0, '127.0.0.1')
    const s = await client()
    expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
    await call(s, 'submit_sm', { destination_addr: '491', short_message: 'count me' })
    const res = await fetch(`http://127.0.0.1:${health.port}/health`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: 'ok', nodeId: 'node-a', sessions: { transceiver: 1 } })
    const metrics = (await (await fetch(`http://127.0.0.1:${health.port}/metrics`)).json()) as {
      pdus: Record<'in' | 'out', Record<string, Record<string, number>>>
      verdictLatency: { count: number }
    }
    expect(metrics.pdus.in.submit_sm.ESME_ROK).toBe(1)
    expect(metrics.pdus.out.submit_sm_resp.ESME_ROK).toBe(1)
    expect(metrics.pdus.out.bind_transceiver_resp.ESME_ROK).toBe(1)
    expect(metrics.verdictLatency.count).toBe(1)
    await health.close()
  })

  it('survives garbage on the wire: random bytes from many connections leave it serving', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')] })
    let seed = 42
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed
    }
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const bytes = Buffer.alloc(16 + (rand() % 300))
        for (let j = 0; j < bytes.length; j++) bytes[j] = rand() & 0xff
        // Half of them carry a plausible length and command id, so they reach the decoder.
        if (i % 2 === 0) bytes.writeUInt32BE(bytes.length, 0)
        if (i % 4 === 0) bytes.writeUInt32BE([4, 9, 3, 8, 0x21, 0x103][i % 6], 4)
        const sock = net.connect(h.port, '127.0.0.1')
        sock.on('error', () => {})
        await new Promise<void>((r) => sock.on('connect', () => r()))
        sock.write(bytes)
        await new Promise((r) => setTimeout(r, 20))
        sock.destroy()
      }),
    )
    const s = await client()
    expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
    expect((await call(s, 'submit_sm', { destination_addr: '491', short_message: 'still here' })).command_status).toBe(Status.Ok)
  })
})
