import { afterEach, describe, expect, it } from 'vitest'
import { Status } from '../../lib/smpp/status'
import { testAccount } from '../testing/accounts'
import { bindTrx, call, connectClient, type Harness, startNode, until } from '../testing/harness'
import type { SmppSession } from '../testing/smpp-package'

// Issue 13, item 5: a submit_multi to 100 destinations passed a 1 part/s limit.
describe('submit_multi and the speed limit', () => {
  let h: Harness
  let s: SmppSession
  afterEach(async () => {
    s?.destroy()
    await h?.close()
  })

  it('counts parts x destinations: after 100 destinations at 10 parts/s, the next submit_sm is throttled', async () => {
    h = await startNode({ accounts: [testAccount('acme', 'pw', { speed: 10 })] })
    s = await connectClient(h.port)
    expect((await bindTrx(s, 'acme', 'pw')).command_status).toBe(Status.Ok)
    await until(() => h.node.throttles.rateOf('acme') === 10, 3_000, 'the speed limit configured')
    const dest_address = Array.from({ length: 100 }, (_, i) => ({ dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: `49151${i}` }))
    // A full bucket lets one big message through and leaves it in debt (throttle.ts), so it is slowed, not refused forever.
    expect((await call(s, 'submit_multi', { dest_address, short_message: 'to a hundred' })).command_status).toBe(Status.Ok)
    // Before the fix it took 1 of the 10 tokens, leaving 9 for these.
    expect((await call(s, 'submit_sm', { destination_addr: '4915112345678', short_message: 'x' })).command_status).toBe(Status.Throttled)
  })
})
