import { beforeEach, describe, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import type { Stores } from '../ports'
import { dispatchMessage } from './dispatch'
import { handleUpstreamEvent, UnknownMessage } from './dlr'
import { DispatchQueue, scriptedConnector, seed, submitJob, T0, type TestDeps, testDeps } from './fixtures'
import type { DispatchJob, SubmitJob, UpstreamEvent } from './jobs'
import { submitMessage } from './submit'

let stores: Stores
let deps: TestDeps
const Receiver = 'queue://callback-node-2'

async function accept(job: Partial<SubmitJob> = {}): Promise<string> {
  const before = deps.queue.bodies<DispatchJob>(DispatchQueue).length
  await submitMessage(deps, submitJob(job))
  const dispatch = deps.queue.bodies<DispatchJob>(DispatchQueue)[before]
  await dispatchMessage(deps, dispatch)
  return dispatch.messageId
}
const receipt = (messageId: string, stat: string, err = 0): UpstreamEvent => ({
  type: 'receipt',
  upstreamId: 'up-a',
  messageId,
  stat,
  err,
  doneAt: '2025-03-01T12:05:00.000Z',
})
const pendingTexts = async () =>
  (await stores.pending.list('acme', T0, 50)).map((p) => Buffer.from(p.deliver.shortMessage, 'base64').toString('latin1'))
const usage = async () =>
  (await stores.usage.query('acme', '2025-03-01', '2025-03-01')).map((u) => `${u.status}:${u.messages}:${u.refunds}`)
const balance = async () => (await stores.accounts.get('acme'))!.balance

beforeEach(async () => {
  stores = memoryStores({ now: () => T0 })
  deps = testDeps(stores, { now: () => T0, connector: scriptedConnector({ 'up-a': 'ok' }) })
  await seed(stores)
  await stores.sessions.put({
    accountId: 'acme',
    nodeId: 'node-2',
    sessionId: 's1',
    bindType: 'transceiver',
    callbackQueueUrl: Receiver,
    boundAt: T0.toISOString(),
    expiresAt: T0.getTime() / 1000 + 60,
  })
})

describe('receipts', () => {
  it('moves the message once, counts it by final status and stores and forwards the receipt', async () => {
    const id = await accept()
    await handleUpstreamEvent(deps, receipt(id, 'DELIVRD'))
    await handleUpstreamEvent(deps, receipt(id, 'DELIVRD')) // duplicate: harmless
    expect(await stores.messages.get(id)).toMatchObject({ state: 'DELIVERED', doneAt: '2025-03-01T12:05:00.000Z' })
    expect(await usage()).toEqual(['CHARGED:1:0', 'DELIVERED:1:0'])
    const texts = await pendingTexts()
    expect(texts).toEqual([`id:${id} sub:001 dlvrd:001 submit date:2503011200 done date:2503011205 stat:DELIVRD err:000 text:Hello world`])
    const nudges = deps.queue.bodies<{ type: string; pendingSk: string }>(Receiver)
    expect(nudges).toHaveLength(1)
    expect(nudges[0]).toMatchObject({
      type: 'deliver',
      accountId: 'acme',
      deliver: { esmClass: 4, receiptedMessageId: id, messageState: 2 },
    })
  })

  it('maps a receipt that carries only the upstream id', async () => {
    const id = await accept()
    await handleUpstreamEvent(deps, {
      type: 'receipt',
      upstreamId: 'up-a',
      upstreamMessageId: 'up-a-1',
      stat: 'UNDELIV',
      err: 1,
      doneAt: T0.toISOString(),
    })
    expect(await stores.messages.get(id)).toMatchObject({ state: 'UNDELIVERABLE', errorCode: 1 })
  })

  it('ignores a receipt arriving after the final one', async () => {
    const id = await accept({ registeredDelivery: 0x11 })
    await handleUpstreamEvent(deps, receipt(id, 'DELIVRD'))
    await handleUpstreamEvent(deps, receipt(id, 'ENROUTE'))
    await handleUpstreamEvent(deps, receipt(id, 'UNDELIV'))
    expect((await stores.messages.get(id))!.state).toBe('DELIVERED')
    expect(await pendingTexts()).toEqual([expect.stringContaining('stat:DELIVRD')])
    expect(await balance()).toBe(993)
  })

  it('sends an intermediate notification only when registered_delivery has bit 4', async () => {
    const asked = await accept({ registeredDelivery: 0x11 })
    const notAsked = await accept({ registeredDelivery: 0x01, text: 'other text' })
    for (const id of [asked, notAsked]) {
      await handleUpstreamEvent(deps, receipt(id, 'ENROUTE'))
      await handleUpstreamEvent(deps, receipt(id, 'ENROUTE'))
    }
    expect(await pendingTexts()).toEqual([expect.stringMatching(new RegExp(`^id:${asked} .*stat:ENROUTE`))])
  })

  it('refunds a failed message once, per the account policy, with a failure-only receipt', async () => {
    const failed = await accept({ registeredDelivery: 0x02 })
    const delivered = await accept({ registeredDelivery: 0x02, text: 'other text' })
    await handleUpstreamEvent(deps, receipt(failed, 'REJECTD', 0x0b))
    await handleUpstreamEvent(deps, receipt(failed, 'REJECTD', 0x0b))
    await handleUpstreamEvent(deps, receipt(delivered, 'DELIVRD'))
    expect(await balance()).toBe(1_000 - 7)
    expect((await stores.messages.get(failed))!.refunded).toBe(true)
    expect(await usage()).toEqual(['CHARGED:2:0', 'DELIVERED:1:0', 'REFUNDED:0:7', 'REJECTED:1:0'])
    expect(await pendingTexts()).toEqual([expect.stringMatching(new RegExp(`^id:${failed} .*stat:REJECTD err:00B`))])
  })

  it('an EXPIRED message is refunded like a failure when the account says so (issue 14)', async () => {
    const id = await accept()
    await handleUpstreamEvent(deps, receipt(id, 'EXPIRED'))
    expect(await balance()).toBe(1000)
  })

  it('finishes the refund on redelivery when the first run crashed after the state moved with its effects', async () => {
    const id = await accept()
    const refundOnce = stores.ledger.refundOnce
    stores.ledger.refundOnce = async () => {
      throw new Error('DynamoDB unavailable')
    }
    await expect(handleUpstreamEvent(deps, receipt(id, 'UNDELIV', 0x0b))).rejects.toThrow('unavailable')
    stores.ledger.refundOnce = refundOnce
    await handleUpstreamEvent(deps, receipt(id, 'UNDELIV', 0x0b))
    expect(await balance()).toBe(1_000)
    expect(await pendingTexts()).toHaveLength(1)
    expect(await usage()).toEqual(['CHARGED:1:0', 'REFUNDED:0:7', 'UNDELIVERABLE:1:0'])
  })

  it("reads the record again briefly when the receipt overtook dispatch's ENROUTE write", async () => {
    await submitMessage(deps, submitJob())
    const [job] = deps.queue.bodies<DispatchJob>(DispatchQueue)
    // Dispatch writes the upstream while the DLR waits for its first re-read.
    const sleeping = { ...deps, sleep: async () => void (await stores.messages.setUpstream(job.messageId, 'up-a', 'u-1')) }
    await handleUpstreamEvent(sleeping, receipt(job.messageId, 'DELIVRD'))
    expect((await stores.messages.get(job.messageId))!.state).toBe('DELIVERED')
    expect(await pendingTexts()).toHaveLength(1)
  })

  it('a receipt for a destination of a submit_multi shows the id the client was given', async () => {
    await submitMessage(
      deps,
      submitJob({
        command: 'submit_multi',
        destinations: [
          { addr: '1888', ton: 1, npi: 1 },
          { addr: '4420', ton: 1, npi: 1 },
        ],
      }),
    )
    const [dispatch] = deps.queue.bodies<DispatchJob>(DispatchQueue)
    expect(dispatch.messageId).toMatch(/#1$/)
    await dispatchMessage(deps, dispatch)
    await handleUpstreamEvent(deps, receipt(dispatch.messageId, 'DELIVRD'))
    const clientId = dispatch.messageId.replace(/#1$/, '')
    expect(await pendingTexts()).toEqual([expect.stringMatching(new RegExp(`^id:${clientId} `))])
  })

  it('a receipt for a message we do not know fails, to be retried and then kept in the DLQ', async () => {
    await expect(handleUpstreamEvent(deps, receipt('nope', 'DELIVRD'))).rejects.toBeInstanceOf(UnknownMessage)
  })

  it('stays pending when no receiver session is bound', async () => {
    await stores.sessions.remove('acme', 'node-2', 's1')
    const id = await accept()
    await handleUpstreamEvent(deps, receipt(id, 'DELIVRD'))
    expect(await pendingTexts()).toHaveLength(1)
    expect(deps.queue.bodies(Receiver)).toEqual([])
  })
})

describe('MO', () => {
  const mo = (destinationAddr: string): Extract<UpstreamEvent, { type: 'mo' }> => ({
    type: 'mo',
    upstreamId: 'up-a',
    sourceAddr: '447700900123',
    destinationAddr,
    dataCoding: 0,
    shortMessage: Buffer.from('STOP').toString('base64'),
    receivedAt: T0.toISOString(),
  })

  it('reaches the owning account as deliver_sm with esm_class 0, once', async () => {
    await stores.reference.putNumber('15557777', 'acme', ['up-a'])
    await handleUpstreamEvent(deps, mo('15557777'))
    await handleUpstreamEvent(deps, mo('15557777'))
    const items = await stores.pending.list('acme', T0, 10)
    expect(items.map((i) => i.deliver)).toEqual([
      {
        kind: 'mo',
        sourceAddr: '447700900123',
        sourceAddrTon: 1,
        sourceAddrNpi: 1,
        destinationAddr: '15557777',
        destAddrTon: 1,
        destAddrNpi: 1,
        esmClass: 0,
        dataCoding: 0,
        shortMessage: Buffer.from('STOP').toString('base64'),
      },
    ])
    expect(deps.queue.bodies(Receiver)).toHaveLength(1)
  })

  // Issue 14: the parts of a long MO keep their UDH (esm_class UDHI) or SAR TLVs on the way to the ESME.
  it('keeps the UDHI of a concatenated part and the SAR TLVs of another, message type cleared', async () => {
    await stores.reference.putNumber('15557777', 'acme', ['up-a'])
    const udhPart = Buffer.concat([Buffer.from('050003070201', 'hex'), Buffer.from('first half')]).toString('base64')
    await handleUpstreamEvent(deps, { ...mo('15557777'), esmClass: 0x40 | 0x04, shortMessage: udhPart })
    await handleUpstreamEvent(deps, { ...mo('15557777'), sar: { ref: 9, total: 2, seq: 1 } })
    await handleUpstreamEvent(deps, { ...mo('15557777'), sar: { ref: 9, total: 2, seq: 2 } }) // same octets, another part
    const items = (await stores.pending.list('acme', T0, 10)).map((i) => i.deliver)
    expect(items).toHaveLength(3) // same time: the pending order is by delivery id
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ esmClass: 0x40, shortMessage: udhPart }),
        expect.objectContaining({ esmClass: 0, sar: { ref: 9, total: 2, seq: 1 } }),
        expect.objectContaining({ esmClass: 0, sar: { ref: 9, total: 2, seq: 2 } }),
      ]),
    )
  })

  // Issue 13 leftover: a carrier injects MO only for numbers it serves (lib/domain/mo-routing.ts).
  it("takes an MO from the upstream of the account's route to the number, or one the number names; drops the rest", async () => {
    await stores.reference.putNumber('447700900500', 'acme') // acme's route for 44 names up-a and up-b
    await stores.reference.putNumber('15557777', 'acme', ['up-c'])
    const from = (upstreamId: string, to: string): UpstreamEvent => ({ ...mo(to), upstreamId })
    for (const ev of [from('up-a', '447700900500'), from('up-c', '15557777'), from('up-c', '447700900500'), from('up-a', '15557777')])
      await handleUpstreamEvent(deps, ev)
    const items = (await stores.pending.list('acme', T0, 10)).map((i) => i.deliver.destinationAddr)
    expect(items.sort()).toEqual(['15557777', '447700900500'])
    const dropped = deps.logs.lines.filter((l) => String(l.msg).includes('does not serve'))
    expect(dropped.map((l) => [l.fields?.upstreamId, l.fields?.destinationAddr])).toEqual([
      ['up-c', '447700900500'],
      ['up-a', '15557777'],
    ])
  })

  it('drops an MO to a number nobody owns, with a warning', async () => {
    await handleUpstreamEvent(deps, mo('19990000'))
    expect(await stores.pending.list('acme', T0, 10)).toEqual([])
    expect(deps.logs.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: expect.stringContaining('no account owns') }))
  })
})
