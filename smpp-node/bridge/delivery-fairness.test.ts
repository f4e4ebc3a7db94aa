import { afterEach, describe, expect, it } from 'vitest'
import type { DeliverMessage } from '../../lib/domain/jobs'
import { Status } from '../../lib/smpp/status'
import { testAccount } from '../testing/accounts'
import { bindTrx, CallbackUrl, connectClient, type Harness, startNode, until } from '../testing/harness'
import { anMo } from '../testing/pdus'
import type { SmppPdu, SmppSession } from '../testing/smpp-package'
import { SessionDeliverWindow } from './callback-consumer'

async function pend(h: Harness, accountId: string, text: string, notify = true): Promise<void> {
  const createdAt = new Date().toISOString()
  const sk = await h.stores.pending.add({
    accountId,
    deliveryId: `${accountId}-${text}`,
    createdAt,
    validUntil: new Date(Date.now() + 3_600_000).toISOString(),
    deliver: anMo(text),
  })
  const msg: DeliverMessage = { type: 'deliver', accountId, pendingSk: sk, deliver: anMo(text) }
  if (notify) await h.queues.send(CallbackUrl, msg)
}

describe('delivery isolation between accounts', () => {
  let h: Harness
  const sessions: SmppSession[] = []
  afterEach(async () => {
    for (const s of sessions.splice(0)) s.destroy()
    await h?.close()
  })
  const bind = async (accountId: string, answer: boolean) => {
    const s = await connectClient(h.port)
    sessions.push(s)
    const got: SmppPdu[] = []
    s.on('deliver_sm', (pdu: SmppPdu) => {
      got.push(pdu)
      if (answer) s.send(pdu.response())
    })
    expect((await bindTrx(s, accountId, 'pw', 'bind_receiver')).command_status).toBe(Status.Ok)
    return { s, got }
  }

  // Issue 13, item 3: a receiver that never answered deliver_sm filled the node-wide 200 in flight, and
  // every other account's receipts waited behind it until its response timeout.
  it("a receiver that never answers holds only its session's window; another account's MO arrives meanwhile", async () => {
    h = await startNode({
      accounts: [testAccount('silent', 'pw'), testAccount('busy', 'pw')],
      smpp: { responseTimeoutMs: 60_000 },
      settings: { callbackPollers: 2 },
    })
    const silent = await bind('silent', false)
    const busy = await bind('busy', true)
    for (let i = 0; i < 250; i++) await pend(h, 'silent', `s${i}`)
    for (let i = 0; i < 5; i++) await pend(h, 'busy', `b${i}`)
    await until(() => busy.got.length === 5, 15_000, "the other account's five MO")
    expect(silent.s.socket.destroyed).toBe(false) // still within its response timeout: nothing was freed by a close
    expect(silent.got.length).toBeLessThanOrEqual(SessionDeliverWindow)
  })

  // Issue 13, item 9: a stored item was retried only at a new bind.
  it('sends a stored item to a session that stays bound, without a new bind or a notification', async () => {
    h = await startNode({ accounts: [testAccount('busy', 'pw')], settings: { heartbeatMs: 200 } })
    const busy = await bind('busy', true)
    await pend(h, 'busy', 'stored-later', false)
    await until(() => busy.got.length === 1, 5_000, 'the stored MO')
  })
})
