import { memoryStores } from '../../lib/adapters/memory'
import type { SmppConfig } from '../../lib/config'
import type { Account } from '../../lib/domain/model'
import type { Log, QueueConsumer, QueueSender, Stores } from '../../lib/ports'
import { type Listeners, listen } from '../edge/server'
import { SmppNode } from '../node/node'
import type { NodeSettings } from '../node/settings'
import { systemClock } from '../session/clock'
import { instantPipeline, MemoryQueues } from './memory-queues'
import { type SmppPdu as PDU, type SmppSession as Session, smpp } from './smpp-package'

export const SubmitUrl = 'memory://submit'
export const CallbackUrl = 'memory://callback-test'

/** Short timeouts so that every timer can be seen in a test within a second or two. */
export const testSmpp = (patch: Partial<SmppConfig> = {}): SmppConfig => ({
  port: 0,
  tlsPort: 0,
  host: '127.0.0.1',
  proxyProtocol: false,
  bindTimeoutMs: 5_000,
  responseTimeoutMs: 5_000,
  enquireLinkIntervalMs: 0,
  windowSize: 100,
  compatFlushMs: 200,
  maxPduLength: 65_536,
  verdictDeadlineMs: 2_000,
  drainTimeoutMs: 3_000,
  healthPort: 0,
  bindFailureLimit: 30,
  bindSystemIdLimit: 60,
  bindLockoutMs: 60_000,
  bindMaxLockoutMs: 3_600_000,
  bindHashConcurrency: 2,
  bindHashQueue: 32,
  unboundPerAddress: 50,
  tlsHandshakeTimeoutMs: 5_000,
  proxyTrusted: ['127.0.0.0/8', '::1/128'],
  systemId: 'SMSC',
  ...patch,
})

export const testSettings = (smppPatch: Partial<SmppConfig> = {}, patch: Partial<NodeSettings> = {}): NodeSettings => ({
  nodeId: 'node-a',
  smpp: testSmpp(smppPatch),
  submitQueueUrl: SubmitUrl,
  callbackQueueUrl: CallbackUrl,
  retentionDays: 30,
  heartbeatMs: 60_000,
  failedBindDelayMs: 10,
  callbackWaitSec: 0.2, // memory queues take fractions: teardown waits one poll
  callbackPollers: 1,
  ...patch,
})

export interface Harness {
  node: SmppNode
  stores: Stores
  queues: MemoryQueues
  listeners: Listeners
  port: number
  close(): Promise<void>
}

export interface HarnessOptions {
  smpp?: Partial<SmppConfig>
  settings?: Partial<NodeSettings>
  accounts?: Account[]
  /** The instant pipeline's verdict per job (undefined: no verdict, the deadline answers). */
  verdictOf?: Parameters<typeof instantPipeline>[2]
  tls?: { cert: string; key: string }
  stores?: Stores
  queues?: QueueSender & QueueConsumer
  log?: Log
}

/** A node on real loopback sockets with memory stores and the instant pipeline. */
export async function startNode(opts: HarnessOptions = {}): Promise<Harness> {
  const stores = opts.stores ?? memoryStores()
  for (const a of opts.accounts ?? []) await stores.accounts.create(a)
  const queues = new MemoryQueues()
  instantPipeline(queues, SubmitUrl, opts.verdictOf)
  const settings = testSettings(opts.smpp, opts.settings)
  const node = new SmppNode({ settings, stores, queues: opts.queues ?? queues, clock: systemClock, log: opts.log, nonce: 'test' })
  node.start()
  const listeners = await listen(node, { smpp: settings.smpp, tls: opts.tls, clock: systemClock })
  return {
    node,
    stores,
    queues,
    listeners,
    port: listeners.tcpPort!,
    async close() {
      await listeners.close()
      await node.close()
    },
  }
}

/** An npm `smpp` client session, connected. */
export function connectClient(port: number, options: Record<string, unknown> = {}): Promise<Session> {
  return new Promise((resolve, reject) => {
    const tls = options.tls === true
    const session = smpp.connect({ url: `${tls ? 'ssmpp' : 'smpp'}://127.0.0.1:${port}`, ...options }, () => resolve(session))
    session.on('error', reject)
  })
}

/** Sends a command with the npm client and resolves with its response PDU. */
export function call(session: Session, command: string, params: Record<string, unknown> = {}): Promise<PDU> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no response to ${command}`)), 8_000)
    const ok = session[command](params, (pdu: PDU) => {
      clearTimeout(timer)
      resolve(pdu)
    })
    if (ok === false) {
      clearTimeout(timer)
      reject(new Error('socket not writable'))
    }
  })
}

export const bindTrx = (session: Session, systemId: string, password: string, command = 'bind_transceiver') =>
  call(session, command, { system_id: systemId, password })

/** Resolves when the client's socket is closed (by either side). */
export const whenClosed = (session: Session): Promise<void> =>
  new Promise((resolve) => {
    if (session.socket.destroyed) return resolve()
    session.socket.once('close', () => resolve())
  })

/** Polls until the condition holds (real time; bounded). */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
