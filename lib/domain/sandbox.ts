import type { ReferenceStore } from '../ports/reference'
import type { Account } from './model'

/**
 * Test access (issue 19). A sandbox account binds to the same SMPP endpoint and runs through the same
 * pipeline and platform codes, but every message goes to the sandbox upstream, which never reaches a handset
 * and answers like the carrier simulator's test destinations (docs/LOCAL.md): locally the simulator itself,
 * on AWS the sandbox function the CDK app deploys and registers (functions/sandbox, docs/DEPLOY.md). Whatever the route says, a
 * sandbox message has no other upstream, so no failover can carry it to a real carrier.
 */
export const SandboxUpstream = 'sandbox'

/** The upstreams a message of `account` may go to, in order: the route's, or only the sandbox for a sandbox account. */
export const upstreamsForAccount = (account: Pick<Account, 'sandbox'> | undefined, routed: string[]): string[] =>
  account?.sandbox ? [SandboxUpstream] : routed

/**
 * Registers the sandbox upstream: an HTTP upstream at `url`, its bearer secret named `secretRef` (none locally),
 * with a catch-all upstream tariff of cost 0, so a sandbox message is priced for the account and costs nothing real.
 * Run by `npm start` (infra/local/seed.ts) and, on AWS, by a custom resource at deploy (functions/sandbox/register.ts).
 */
export async function registerSandboxUpstream(
  reference: Pick<ReferenceStore, 'putUpstream' | 'putUpstreamTariff'>,
  u: { url: string; timeoutMs: number; secretRef?: string },
): Promise<void> {
  await reference.putUpstream({
    upstreamId: SandboxUpstream,
    kind: 'http',
    url: u.url,
    timeoutMs: u.timeoutMs,
    ...(u.secretRef ? { secretRef: u.secretRef } : {}),
  })
  // The upstream tariff's currency is not billed (lib/domain/pricing.ts compares the account's tariff only).
  await reference.putUpstreamTariff({ upstreamId: SandboxUpstream, prefix: '', cost: 0, currency: 'EUR' })
}
