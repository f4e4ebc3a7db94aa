import { beforeEach, describe, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import type { Stores } from '../ports'
import { MessageState } from '../smpp/receipt'
import { Status } from '../smpp/status'
import { TimeLimits } from './deferral'
import { sweepDue } from './due'
import { DispatchQueue, scriptedConnector, seed, submitJob, T0, testDeps } from './fixtures'
import type { DispatchJob } from './jobs'
import { relativeSmppTime } from './smpp-time'
import { submitMessage } from './submit'

// Issue 14: scheduled and expiring messages, over the memory stores with a clock the test moves.
let stores: Stores
let now: Date
const at = (sec: number) => new Date(T0.getTime() + sec * 1000)
const deps = () => testDeps(stores, { now: () => now, connector: scriptedConnector({ 'up-a': 'ok' }) })
const balance = async () => (await stores.accounts.get('acme'))!.balance
const receipts = async () => (await stores.pending.list('acme', now, 10)).map((p) => p.deliver)

beforeEach(async () => {
  now = T0
  stores = memoryStores({ now: () => now })
  await seed(stores) // refundOnFailure: true, balance 1000, 447 priced at 7
})

describe('schedule_delivery_time', () => {
  it('charges at submit, holds the message SCHEDULED and releases its dispatch job at its time, not before', async () => {
    const d = deps()
    const verdict = await submitMessage(d, submitJob({ messageId: 's1', scheduleDeliveryTime: relativeSmppTime(90) }))
    expect(verdict).toMatchObject({ status: Status.Ok })
    expect(await balance()).toBe(993)
    expect(d.queue.bodies(DispatchQueue)).toEqual([])
    expect(await stores.messages.get('s1')).toMatchObject({ state: 'SCHEDULED', scheduledAt: at(90).toISOString() })

    now = at(89)
    expect(await sweepDue(d)).toEqual({})
    expect(d.queue.bodies(DispatchQueue)).toEqual([])

    now = at(90)
    expect(await sweepDue(d)).toEqual({ release: 1 })
    const [job] = d.queue.bodies<DispatchJob>(DispatchQueue)
    expect(job).toMatchObject({ messageId: 's1', destinationAddr: '447700900001', upstreams: ['up-a', 'up-b'], attempt: 0 })
    expect(await stores.messages.get('s1')).toMatchObject({ state: 'ACCEPTED', dueAt: at(90 + TimeLimits.recheckSec).toISOString() })
    // The same pass again finds nothing due: one release.
    expect(await sweepDue(d)).toEqual({})
  })

  it('sends the job again when no upstream took it by the recheck, and parks it once one did', async () => {
    const d = deps()
    await submitMessage(d, submitJob({ messageId: 's2', scheduleDeliveryTime: relativeSmppTime(10) }))
    now = at(10)
    await sweepDue(d)
    now = at(10 + TimeLimits.recheckSec)
    expect(await sweepDue(d)).toEqual({ resend: 1 })
    expect(d.queue.bodies(DispatchQueue)).toHaveLength(2)
    await stores.messages.transition('s2', ['ACCEPTED'], 'ENROUTE', { upstreamId: 'up-a', upstreamMessageId: 'u1' })
    now = at(10 + 2 * TimeLimits.recheckSec)
    expect(await sweepDue(d)).toEqual({ park: 1 })
    expect((await stores.messages.get('s2'))?.dueAt).toBe((await stores.messages.get('s2'))?.validUntil)
  })
})

describe('validity_period', () => {
  it('ends a message no carrier reported on by its validity EXPIRED, refunded, with a stat:EXPIRED receipt', async () => {
    const d = deps()
    await submitMessage(d, submitJob({ messageId: 'v1', validityPeriod: relativeSmppTime(120) }))
    await stores.messages.transition('v1', ['ACCEPTED'], 'ENROUTE', { upstreamId: 'up-a', upstreamMessageId: 'u1' })
    expect(await balance()).toBe(993)
    now = at(119)
    expect(await sweepDue(d)).toEqual({})
    now = at(120)
    expect(await sweepDue(d)).toEqual({ expire: 1 })
    expect(await stores.messages.get('v1')).toMatchObject({ state: 'EXPIRED', doneAt: at(120).toISOString(), refunded: true })
    expect((await stores.messages.get('v1'))?.dueAt).toBeUndefined()
    expect(await balance()).toBe(1000)
    const [r] = await receipts()
    expect(Buffer.from(r.shortMessage, 'base64').toString('latin1')).toContain('stat:EXPIRED')
    expect(r.messageState).toBe(MessageState.Expired)
    const usage = await stores.usage.query('acme', '2025-03-01', '2025-03-01')
    expect(usage.find((u) => u.status === 'EXPIRED')).toMatchObject({ messages: 1, cost: 7 })
    expect(usage.find((u) => u.status === 'REFUNDED')).toMatchObject({ refunds: 7 })
    // A DELIVRD receipt arriving after the expiry moves nothing.
    expect(await stores.messages.transition('v1', ['ACCEPTED', 'ENROUTE'], 'DELIVERED')).toBeUndefined()
  })

  it('uses the account default when the client sends none, and its maximum over a longer request', async () => {
    await stores.accounts.update('acme', { validityDefaultSec: 300, validityMaxSec: 600 })
    const d = deps()
    await submitMessage(d, submitJob({ messageId: 'v2' }))
    await submitMessage(d, submitJob({ messageId: 'v3', validityPeriod: relativeSmppTime(3600), text: 'other', shortMessage: 'b3RoZXI=' }))
    expect((await stores.messages.get('v2'))?.validUntil).toBe(at(300).toISOString())
    expect((await stores.messages.get('v3'))?.validUntil).toBe(at(600).toISOString())
  })

  it('refuses a malformed schedule with ESME_RINVSCHED and charges nothing', async () => {
    const verdict = await submitMessage(deps(), submitJob({ messageId: 'bad', scheduleDeliveryTime: '2612' }))
    expect(verdict).toMatchObject({ status: Status.InvSched })
    expect(await balance()).toBe(1000)
  })

  it('settles a record a crash left EXPIRED but unsettled on the next pass', async () => {
    const d = deps()
    await submitMessage(d, submitJob({ messageId: 'v4', validityPeriod: relativeSmppTime(60) }))
    now = at(60)
    // The move happened, then the run died: the record keeps its dueAt, so the sweep finds it.
    await stores.messages.transition('v4', ['ACCEPTED'], 'EXPIRED', { doneAt: now.toISOString(), dueAt: now.toISOString() })
    expect(await sweepDue(d)).toEqual({ settle: 1 })
    expect(await balance()).toBe(1000)
    expect(await sweepDue(d)).toEqual({})
    expect(await balance()).toBe(1000)
  })
})
