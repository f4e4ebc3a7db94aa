import { describe, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import { Status } from '../smpp/status'
import { account, DispatchQueue, seed, T0, testDeps } from './fixtures'
import { httpSubmitJob } from './http-submit'
import { awaitVerdict } from './http-verdict'
import type { DispatchJob } from './jobs'
import { submitBatch } from './submit'

const ids = (messageId: string) => ({ messageId, accountId: 'acme', now: T0, deadline: T0.getTime() + 5_000 })

describe('HTTP send through the submit pipeline', () => {
  const setup = async (overrides = {}) => {
    let now = T0
    const stores = memoryStores({ now: () => now })
    await seed(stores, account(overrides))
    const deps = testDeps(stores, { now: () => now })
    // The poller's sleeps move the clock, so a deadline can pass without waiting.
    deps.sleep = async (ms) => {
      deps.sleeps.push(ms)
      now = new Date(now.getTime() + ms)
    }
    return { stores, deps }
  }

  it('is decided by the submit pipeline, charged, dispatched, and answered through the decision record, not a queue', async () => {
    const { stores, deps } = await setup()
    const job = httpSubmitJob({ from: 'ACME', to: '447700900123', text: 'hello' }, ids('H1'))
    const [outcome] = await submitBatch(deps, [job])
    expect(outcome).toEqual({ verdict: { type: 'verdict', messageId: 'H1', status: 0 } })
    // No verdict went to any callback queue: only the dispatch job was sent.
    expect(deps.queue.sent.map((s) => s.queueUrl)).toEqual([DispatchQueue])
    expect(deps.queue.bodies<DispatchJob>(DispatchQueue)[0]).toMatchObject({ messageId: 'H1', destinationAddr: '447700900123' })
    expect(await awaitVerdict(deps, 'H1', job.deadline, 30)).toBe(Status.Ok)
    expect((await stores.accounts.get('acme'))?.balance).toBe(1_000 - 7) // 447 costs 7 a part
  })

  it('answers a refusal with its platform code: no tariff for the destination (0x043C)', async () => {
    const { deps } = await setup()
    const job = httpSubmitJob({ from: 'ACME', to: '15550100', text: 'hello' }, ids('H2'))
    await submitBatch(deps, [job])
    expect(await awaitVerdict(deps, 'H2', job.deadline, 30)).toBe(Status.NoTariff)
  })

  it('records 0x0402 at the deadline when no verdict came, and the pipeline then neither charges nor sends it', async () => {
    const { stores, deps } = await setup()
    const job = httpSubmitJob({ from: 'ACME', to: '447700900123', text: 'late' }, ids('H3'))
    expect(await awaitVerdict(deps, 'H3', job.deadline, 30)).toBe(Status.NotRegistered)
    expect(deps.sleeps.reduce((a, b) => a + b, 0)).toBe(5_000)
    const [outcome] = await submitBatch(deps, [{ ...job, deadline: Number.MAX_SAFE_INTEGER }])
    expect(outcome).toEqual({}) // dropped: the recorded 0x0402 holds (submit-account.ts), no verdict is due
    expect(deps.queue.sent).toEqual([])
    expect((await stores.accounts.get('acme'))?.balance).toBe(1_000)
  })

  it('sends a long text as message_payload, billed by its parts: 400 GSM characters are 3 parts of 153', async () => {
    const { stores, deps } = await setup()
    const job = httpSubmitJob({ from: 'ACME', to: '447700900123', text: 'a'.repeat(400) }, ids('H4'))
    expect(job).toMatchObject({ dataCoding: 0, shortMessage: '', parts: 3, registeredDelivery: 1 })
    expect(Buffer.from(job.messagePayload!, 'base64')).toEqual(Buffer.alloc(400, 0x61))
    await submitBatch(deps, [job])
    expect((await stores.accounts.get('acme'))?.balance).toBe(1_000 - 3 * 7)
  })

  it('encodes a text the GSM alphabet lacks as UCS2 (data_coding 8): 71 characters are 2 parts of 67', () => {
    const job = httpSubmitJob({ from: 'ACME', to: '447700900123', text: 'ж'.repeat(71), receipt: false }, ids('H5'))
    expect(job).toMatchObject({ dataCoding: 8, parts: 2, registeredDelivery: 0 })
  })

  it('passes binary data with a UDH on as one part with UDHI set, and refuses one over 140 octets (0x0401)', () => {
    const udh = Buffer.from('0605040b8423f0', 'hex') // WAP push ports (TS 23.040 9.2.3.24.4)
    const job = httpSubmitJob({ from: 'ACME', to: '447700900123', udh, data: Buffer.from('c0ffee', 'hex'), dataCoding: 4 }, ids('H6'))
    expect(job).toMatchObject({ esmClass: 0x40, dataCoding: 4, parts: 1, text: '' })
    expect(Buffer.from(job.shortMessage, 'base64').toString('hex')).toBe('0605040b8423f0c0ffee')
    const big = { from: 'ACME', to: '447700900123', udh, data: Buffer.alloc(134), dataCoding: 4 }
    expect(() => httpSubmitJob(big, ids('H7'))).toThrow(expect.objectContaining({ status: Status.TextTooLong }))
    const unknown = { from: 'ACME', to: '447700900123', data: Buffer.alloc(1), dataCoding: 0x0c }
    expect(() => httpSubmitJob(unknown, ids('H8'))).toThrow(expect.objectContaining({ status: Status.UnknownDataCoding }))
  })
})
