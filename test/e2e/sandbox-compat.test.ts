import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Status } from '../../lib/smpp/status'
import { type SmppPdu, type SmppSession, smpp } from '../../smpp-node/testing/smpp-package'
import { sharedServicesStack } from '../integration/stacks'
import { createAccount, messagesOf } from './fixtures'
import { eventually, root, type Stack, StartTimeoutMs, stopStack } from './stack'

/**
 * Issue 19, done when: the npm smpp client and Perl's Net::SMPP bind to a sandbox account of a whole local stack,
 * send test traffic, and the compatibility report says what they did: one client answers deliver_sm late and
 * sends Latin-1 octets as data_coding 0, bursts over its speed and drops the connection; Net::SMPP behaves.
 * Every message of the account goes to the sandbox upstream, none to the 'simulator' the routes name.
 */
const run = promisify(execFile)
vi.setConfig({ testTimeout: 120_000 })
let stack: Stack
let acct: { id: string; password: string }
// biome-ignore lint/suspicious/noExplicitAny: the report's JSON, asserted field by field
type Report = any

beforeAll(async () => {
  stack = await sharedServicesStack({ COMPAT_FLUSH_MS: '500' })
  acct = await createAccount(stack, 'trial', { settings: { sandbox: true, speed: 5 } })
}, StartTimeoutMs + 30_000)

afterAll(async () => {
  await stopStack(stack)
}, 90_000)

const report = async (): Promise<Report> => {
  const r = await stack.api('GET', `/accounts/${acct.id}/compat`)
  expect(r.status).toBe(200)
  return r.body
}
const finding = (findings: Report[], check: string) => findings.find((f) => f.check === check)

/** The npm client, answering each deliver_sm only after `lateMs`. */
async function lateClient(
  lateMs: number,
): Promise<{ session: SmppSession; delivered: SmppPdu[]; call(cmd: string, f: Record<string, unknown>): Promise<SmppPdu> }> {
  const session = smpp.connect({ host: '127.0.0.1', port: stack.ports.smpp })
  session.on('error', () => {})
  const delivered: SmppPdu[] = []
  session.on('deliver_sm', (pdu: SmppPdu) => {
    delivered.push(pdu)
    setTimeout(() => session.send(pdu.response()), lateMs)
  })
  await new Promise<void>((resolve) => session.once('connect', () => resolve()))
  const call = (command: string, fields: Record<string, unknown>) =>
    new Promise<SmppPdu>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${command}_resp`)), 40_000)
      session.send(new smpp.PDU(command, fields), (resp: SmppPdu) => {
        clearTimeout(t)
        resolve(resp)
      })
    })
  return { session, delivered, call }
}

describe('sandbox account and compatibility report (issue 19)', () => {
  it('npm smpp client: a late deliver_sm_resp, a bad encoding, a burst over the speed and a drop are each found', async () => {
    const c = await lateClient(1_500)
    expect((await c.call('bind_transceiver', { system_id: acct.id, password: acct.password, system_type: 'NPMTEST' })).command_status).toBe(
      Status.Ok,
    )
    const ok = await c.call('submit_sm', {
      source_addr: 'SANDBOX',
      destination_addr: '447700900123',
      short_message: 'hello sandbox',
      registered_delivery: 1,
    })
    expect(ok.command_status).toBe(Status.Ok)
    // Latin-1 'café' as data_coding 0: octets outside GSM 03.38.
    await c.call('submit_sm', { destination_addr: '447700900124', data_coding: 0, short_message: Buffer.from('café', 'latin1') })
    // The receipt of the first comes from the sandbox upstream, and is answered 1.5 s late.
    await eventually('a receipt', () => c.delivered.length > 0, 60_000)
    // A burst of 15 at a speed of 5/s: some answered 0x58.
    const burst = await Promise.all(
      Array.from({ length: 15 }, (_, i) => c.call('submit_sm', { destination_addr: `4477009002${i}`, short_message: `b${i}` })),
    )
    expect(burst.some((p) => p.command_status === Status.Throttled)).toBe(true)
    await new Promise((r) => setTimeout(r, 2_000)) // the late deliver_sm_resp goes out
    c.session.socket.destroy() // no unbind

    const r = await eventually<Report>('the npm session reported as ended', async () => {
      const rep = await report()
      const s = rep.sessions.find((x: Report) => x.bind.systemType === 'NPMTEST')
      return s?.end === 'drop' && s.figures.deliverSmResp.count > 0 ? rep : undefined
    })
    const s = r.sessions.find((x: Report) => x.bind.systemType === 'NPMTEST')
    expect(r).toMatchObject({ accountId: acct.id, sandbox: true, speed: 5 })
    const late = finding(s.findings, 'deliver_sm_resp')
    expect(late).toMatchObject({
      level: 'warn',
      detail: expect.stringMatching(/deliver_sm answered after \d+\.\d s: the node disconnects at 60 s/),
    })
    // At least the client's 1.5 s; how much more is the machine's load (1.x s pinned it, and a loaded run saw 2.3 s).
    expect(Number(/answered after (\d+\.\d) s/.exec(late.detail)![1])).toBeGreaterThanOrEqual(1.5)
    expect(finding(s.findings, 'data_coding')).toMatchObject({
      level: 'fail',
      detail: expect.stringContaining('data_coding 0 carrying bytes outside GSM 03.38 (1)'),
    })
    expect(finding(s.findings, 'speed')).toMatchObject({ level: 'warn', detail: expect.stringContaining('throttled (0x58)') })
    expect(finding(s.findings, 'window')).toMatchObject({
      level: 'warn',
      detail: expect.stringMatching(/^window \d+ over an account speed of 5\/s$/),
    })
    expect(finding(s.findings, 'session end')).toMatchObject({ level: 'warn', detail: 'closed the connection without unbind' })
    expect(s.figures.throttled).toBeGreaterThan(0)
    expect(r.timeline.some((p: Report) => p.throttled > 0)).toBe(true)
  })

  it("Perl's Net::SMPP: binds, submits, takes its receipt in time, enquires and unbinds: those checks pass", async () => {
    const { stdout } = await run(
      'perl',
      [
        `${root}test/e2e/net-smpp-client.pl`,
        '127.0.0.1',
        String(stack.ports.smpp),
        acct.id,
        acct.password,
        '447700900200',
        'hello from Net::SMPP',
      ],
      { timeout: 80_000 },
    )
    expect(stdout).toContain('"event":"receipt"')
    const r = await eventually<Report>('the Net::SMPP session reported as unbound', async () => {
      const rep = await report()
      return rep.sessions.some((x: Report) => x.end === 'unbind') ? rep : undefined
    })
    const s = r.sessions.find((x: Report) => x.end === 'unbind')
    expect(s.bind).toMatchObject({ mode: 'transceiver', interfaceVersion: 0x34 })
    for (const check of ['bind', 'deliver_sm_resp', 'data_coding', 'generic_nack', 'session end', 'enquire_link', 'receipts'])
      expect(finding(s.findings, check), check).toMatchObject({ level: 'pass' })
    expect(s.figures.deliverSmResp.count).toBeGreaterThan(0)
  })

  it('no sandbox message reached the real upstream: every one went to the sandbox', async () => {
    const messages = await messagesOf(stack, acct.id)
    expect(messages.length).toBeGreaterThan(3)
    const dispatched = messages.filter((m) => m.upstreamId !== undefined)
    expect(dispatched.length).toBeGreaterThan(0)
    expect(new Set(dispatched.map((m) => m.upstreamId))).toEqual(new Set(['sandbox']))
  })
})
