import { afterEach, describe, expect, it } from 'vitest'
import { Status } from '../../lib/smpp/status'
import { testAccount } from '../testing/accounts'
import { bindTrx, call, connectClient, type Harness, startNode, until } from '../testing/harness'
import type { SmppSession } from '../testing/smpp-package'

// Issue 4, sessions: every bind rule, driven over a real socket by the npm `smpp` client.
describe('bind', () => {
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

  it('binds a transceiver with the right credentials and registers the session', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'secret1')] })
    const resp = await bindTrx(await client(), 'acme', 'secret1')
    expect(resp.command).toBe('bind_transceiver_resp')
    expect(resp.command_status).toBe(Status.Ok)
    expect(resp.system_id).toBe('SMSC')
    await until(async () => (await h.stores.sessions.list('acme', 0)).length === 1, 2000, 'registry entry')
    const [entry] = await h.stores.sessions.list('acme', 0)
    expect(entry).toMatchObject({
      accountId: 'acme',
      nodeId: 'node-a',
      bindType: 'transceiver',
      callbackQueueUrl: h.node.settings.callbackQueueUrl,
    })
  })

  it.each([
    ['bind_transmitter', 'transmitter'],
    ['bind_receiver', 'receiver'],
  ])('%s binds as %s', async (command, bindType) => {
    h = await startNode({ accounts: [testAccount('acme', 'secret1')] })
    expect((await bindTrx(await client(), 'acme', 'secret1', command)).command_status).toBe(Status.Ok)
    expect(h.node.sessionCounts()[bindType]).toBe(1)
  })

  // Issue 13, item 7: one status for both, so a guesser cannot tell which system_ids exist.
  it('answers an unknown system_id and a wrong password alike, with ESME_RINVPASWD', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'secret1')] })
    const s = await client()
    expect((await bindTrx(s, 'nobody', 'secret1')).command_status).toBe(Status.InvPaswd)
    expect((await bindTrx(s, 'acme', 'wrong')).command_status).toBe(Status.InvPaswd)
    // The connection stays usable: the right password binds afterwards.
    expect((await bindTrx(s, 'acme', 'secret1')).command_status).toBe(Status.Ok)
  })

  it('refuses a disabled account and an address outside the allow-list as a wrong password would', async () => {
    h = await startNode({
      accounts: [
        testAccount('off', 'pw', { enabled: false }),
        testAccount('far', 'pw', { allowList: ['10.0.0.0/8', '2001:db8::/32'] }),
        testAccount('near', 'pw', { allowList: ['10.0.0.0/8', '127.0.0.0/8'] }),
      ],
    })
    expect((await bindTrx(await client(), 'off', 'pw')).command_status).toBe(Status.InvPaswd)
    expect((await bindTrx(await client(), 'far', 'pw')).command_status).toBe(Status.InvPaswd)
    expect((await bindTrx(await client(), 'near', 'pw')).command_status).toBe(Status.Ok)
  })

  it('refuses a bind over the session limit, counting sessions on other nodes from the registry', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw', { sessionLimit: 2 })] })
    await h.stores.sessions.put({
      accountId: 'acme',
      nodeId: 'node-b',
      sessionId: 'x',
      bindType: 'receiver',
      callbackQueueUrl: 'q',
      boundAt: new Date().toISOString(),
      expiresAt: Math.floor(Date.now() / 1000) + 60,
    })
    expect((await bindTrx(await client(), 'acme', 'pw')).command_status).toBe(Status.Ok)
    expect((await bindTrx(await client(), 'acme', 'pw')).command_status).toBe(Status.BindFail)
  })

  it('answers a second bind on a bound session with ESME_RALYBND', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')] })
    const s = await client()
    expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
    expect((await bindTrx(s, 'acme', 'pw', 'bind_transmitter')).command_status).toBe(Status.AlyBnd)
  })

  it('answers any other operation before bind with ESME_RINVBNDSTS', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')] })
    const s = await client()
    const submit = await call(s, 'submit_sm', { destination_addr: '4915112345678', short_message: 'hi' })
    expect(submit.command).toBe('submit_sm_resp')
    expect(submit.command_status).toBe(Status.InvBndSts)
    expect((await call(s, 'query_sm', { message_id: 'X' })).command_status).toBe(Status.InvBndSts)
    expect((await call(s, 'unbind')).command_status).toBe(Status.InvBndSts)
  })

  it('locks an address out after repeated failures: even the right password gets ESME_RBINDFAIL', async () => {
    h = await startNode({
      accounts: [testAccount('acme', 'pw')],
      smpp: { bindFailureLimit: 3, bindLockoutMs: 60_000 },
      settings: { failedBindDelayMs: 50 },
    })
    const s = await client()
    for (let i = 0; i < 3; i++) expect((await bindTrx(s, 'acme', 'bad')).command_status).toBe(Status.InvPaswd)
    const started = Date.now()
    expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.BindFail)
    // Failed binds are answered late, which caps guessing on one connection.
    expect(Date.now() - started).toBeGreaterThanOrEqual(45)
    expect((await bindTrx(await client(), 'acme', 'pw')).command_status).toBe(Status.BindFail)
  })

  it('unlocks the address once the lockout has passed', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw')], smpp: { bindFailureLimit: 1, bindLockoutMs: 200 } })
    const s = await client()
    expect((await bindTrx(s, 'acme', 'bad')).command_status).toBe(Status.InvPaswd)
    expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.BindFail)
    // The second strike doubled the hold (growing backoff): 400 ms from it, not 200.
    await new Promise((r) => setTimeout(r, 450))
    expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
  })
})
