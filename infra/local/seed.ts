import { createHash } from 'node:crypto'
import { hashPassword } from '../../lib/domain/password'
import { registerSandboxUpstream } from '../../lib/domain/sandbox'
import type { Stores } from '../../lib/ports'
import { DispatchRun } from '../../lib/resources'

export interface SeedOptions {
  systemId: string
  password: string
  adminApiKey: string
  /** URL the simulator takes submits on (the `simulator` upstream's url). */
  simulatorUrl: string
  moNumber: string
  now: Date
}

export const SimulatorUpstream = 'simulator'
export const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex')

/**
 * The demo setup that lets `npm start` send to any number out of the box: an account with a catch-all
 * tariff, the platform's catch-all route to the carrier simulator and its upstream tariff, an MO number and
 * an admin API key. Idempotent: a kept ./.data keeps its balance and history, and settings are brought back.
 */
export async function seedDemo(stores: Stores, o: SeedOptions): Promise<void> {
  const createdAt = o.now.toISOString()
  const settings = {
    passwordHash: await hashPassword(o.password),
    enabled: true,
    currency: 'EUR',
    creditLimit: 0,
    speed: 1_000, // parts per second: generous enough for the bench
    sessionLimit: 10,
    allowList: [],
    duplicateWindowSec: 5,
    refusalMode: 'sync' as const,
    tariffPlan: o.systemId,
    refundOnFailure: true,
  }
  const created = await stores.accounts.create({ accountId: o.systemId, balance: 100_000_000, createdAt, ...settings })
  if (!created) await stores.accounts.update(o.systemId, settings)

  await stores.reference.putTariff({ plan: o.systemId, prefix: '', price: 5, currency: 'EUR' })
  // Plan '*' is the platform default route: accounts created later over the API route to the simulator too.
  await stores.reference.putRoute({ plan: '*', prefix: '', upstreams: [{ upstreamId: SimulatorUpstream, priority: 1 }] })
  await stores.reference.putUpstream({
    upstreamId: SimulatorUpstream,
    kind: 'http',
    url: o.simulatorUrl,
    timeoutMs: DispatchRun.localMaxUpstreamTimeoutMs,
    echoesMessageId: true, // its receipts name our messageId (infra/local/carrier-simulator.ts)
  })
  await stores.reference.putUpstreamTariff({ upstreamId: SimulatorUpstream, prefix: '', cost: 2, currency: 'EUR' })
  await stores.reference.putNumber(o.moNumber, o.systemId)
  await stores.reference.putApiKey({ keyHash: sha256Hex(o.adminApiKey), role: 'admin', name: 'local admin (npm start)', createdAt })
}

/**
 * The sandbox upstream (issue 19, lib/domain/sandbox.ts): a second simulator that answers like the test
 * destinations and never reaches a handset; its cost is 0, so a sandbox message earns and costs nothing real.
 */
export async function seedSandbox(stores: Stores, url: string): Promise<void> {
  await registerSandboxUpstream(stores.reference, { url, timeoutMs: DispatchRun.localMaxUpstreamTimeoutMs })
}
