import { describe, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import { dispatchMessage } from './dispatch'
import { handleUpstreamEvent } from './dlr'
import { DispatchQueue, scriptedConnector, seed, submitJob, T0, testDeps } from './fixtures'
import type { DispatchJob } from './jobs'
import { GuardHeld, GuardLeaseSec } from './settle'
import { submitMessage } from './submit'

// Issue 13, item 9: a Lambda that died after taking a once-only guard and before the effect lost that
// receipt for good. The guard is now a lease until the effect is done, and a held lease is retried, not skipped.
// A receipt stored for an SMPP receiver needs no guard any more (./settle-once.test.ts); one for a webhook does.
describe('guards taken by a run that died', () => {
  it("lapse, so the redelivered receipt still reaches the account's webhook once", async () => {
    let now = T0
    const stores = memoryStores({ now: () => now })
    const deps = testDeps(stores, { now: () => now, connector: scriptedConnector({ 'up-a': 'ok' }) })
    await seed(stores)
    await stores.accounts.update('acme', { webhookUrl: 'https://example.com/hook', webhookSecret: 'whsec_test' })
    await submitMessage(deps, submitJob({ registeredDelivery: 1 }))
    const [job] = deps.queue.bodies<DispatchJob>(DispatchQueue)
    await dispatchMessage(deps, job)
    const receipt = {
      type: 'receipt' as const,
      upstreamId: 'up-a',
      messageId: job.messageId,
      stat: 'DELIVRD',
      err: 0,
      doneAt: T0.toISOString(),
    }

    // The first run, in another process (its own view of the guards), takes the receipt guard and dies in the
    // effect: its webhook event write never returns.
    const put = stores.webhooks.put
    stores.webhooks.put = () => new Promise(() => {})
    void handleUpstreamEvent({ ...deps, stores: { ...stores, guards: { ...stores.guards } } }, receipt)
    await new Promise((r) => setTimeout(r, 50))
    stores.webhooks.put = put
    const pendingNow = async () => deps.queue.bodies('queue://webhook').length

    // A redelivery within the lease (SQS offers a killed run's record after one visibility timeout, before the
    // lease lapses): the holder may be dead, so this is not done. The record fails and SQS offers it again; a
    // redelivery that returned here as if done was deleted, and the receipt lost (issue 18, the Lambda kill).
    await expect(handleUpstreamEvent(deps, receipt)).rejects.toBeInstanceOf(GuardHeld)
    expect(await pendingNow()).toBe(0)
    now = new Date(T0.getTime() + (GuardLeaseSec + 1) * 1000)
    await handleUpstreamEvent(deps, receipt) // the next redelivery, past the lease
    expect(await pendingNow()).toBe(1)
    await handleUpstreamEvent(deps, receipt) // and a late duplicate from the carrier changes nothing
    expect(await pendingNow()).toBe(1)
  })
})
