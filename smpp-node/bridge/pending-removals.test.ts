import { afterEach, describe, expect, it } from 'vitest'
import { memoryStores } from '../../lib/adapters/memory'
import type { DeliverMessage } from '../../lib/domain/jobs'
import { Status } from '../../lib/smpp/status'
import { testAccount } from '../testing/accounts'
import { bindTrx, CallbackUrl, connectClient, type Harness, startNode, until } from '../testing/harness'
import { anMo } from '../testing/pdus'
import type { SmppPdu, SmppSession } from '../testing/smpp-package'
import { SessionDeliverWindow } from './callback-consumer'
import { PendingRemovals } from './pending-removals'

/** Memory stores whose pending removals are recorded as the requests DynamoDB would get (one per removeMany). */
function recordingStores() {
  const stores = memoryStores()
  const requests: string[][] = []
  const removeMany = stores.pending.removeMany.bind(stores.pending)
  stores.pending.removeMany = (keys) => {
    requests.push(keys.map((k) => k.sk))
    return removeMany(keys)
  }
  return { stores, requests }
}

describe('PendingRemovals (issue 18)', () => {
  let h: Harness | undefined
  let s: SmppSession | undefined
  afterEach(async () => {
    s?.destroy()
    await h?.close()
  })

  it('removes, in one request, the deliveries a receiver answered in one write', async () => {
    const { stores, requests } = recordingStores()
    h = await startNode({ stores, accounts: [testAccount('burst', 'pw')], smpp: { responseTimeoutMs: 30_000 } })
    s = await connectClient(h.port)
    const held: SmppPdu[] = []
    const session = s
    // The ESME answers the whole burst at once: its ten deliver_sm_resp leave in one write, so the node reads them together.
    session.on('deliver_sm', (pdu: SmppPdu) => {
      held.push(pdu)
      if (held.length < SessionDeliverWindow) return
      session.socket.cork()
      for (const p of held) session.send(p.response())
      session.socket.uncork()
    })
    expect((await bindTrx(session, 'burst', 'pw', 'bind_receiver')).command_status).toBe(Status.Ok)
    const sks: string[] = []
    for (let i = 0; i < SessionDeliverWindow; i++) {
      const deliver = anMo(`m${i}`)
      const sk = await stores.pending.add({
        accountId: 'burst',
        deliveryId: `d${i}`,
        createdAt: new Date(Date.now() + i).toISOString(),
        validUntil: new Date(Date.now() + 3_600_000).toISOString(),
        deliver,
      })
      sks.push(sk)
      const msg: DeliverMessage = { type: 'deliver', accountId: 'burst', pendingSk: sk, deliver }
      await h.queues.send(CallbackUrl, msg)
    }
    await until(() => requests.flat().length === SessionDeliverWindow, 10_000, 'every delivered item removed')
    expect(held).toHaveLength(SessionDeliverWindow)
    await expect(stores.pending.list('burst', new Date(Date.now() + 3_000_000), 20)).resolves.toEqual([]) // past every claim
    expect(requests.map((r) => [...r].sort())).toEqual([[...sks].sort()])
  })

  it('sends removals asked for in later turns as requests of their own, and fails the callers of a failed one', async () => {
    const { stores, requests } = recordingStores()
    const removals = new PendingRemovals(stores.pending)
    const sk = await stores.pending.add({
      accountId: 'a',
      deliveryId: 'd',
      createdAt: new Date().toISOString(),
      validUntil: new Date(Date.now() + 60_000).toISOString(),
      deliver: anMo('x'),
    })
    await Promise.all([removals.remove('a', sk), removals.remove('a', 'absent')])
    await removals.remove('a', 'later')
    expect(requests).toEqual([[sk, 'absent'], ['later']])
    expect(await stores.pending.list('a', new Date(), 10)).toEqual([])
    stores.pending.removeMany = async () => {
      throw new Error('table unavailable')
    }
    await expect(Promise.all([removals.remove('a', 'x'), removals.remove('a', 'y')])).rejects.toThrow('table unavailable')
  })
})
