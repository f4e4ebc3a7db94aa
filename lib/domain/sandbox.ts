import type { Account } from './model'

/**
 * Test access (issue 19). A sandbox account binds to the same SMPP endpoint and runs through the same
 * pipeline and platform codes, but every message goes to the sandbox upstream, which never reaches a handset
 * and answers like the carrier simulator's test destinations (docs/LOCAL.md): locally the simulator itself,
 * on AWS the one the operator registers under this id (docs/ONBOARDING.md). Whatever the route says, a
 * sandbox message has no other upstream, so no failover can carry it to a real carrier.
 */
export const SandboxUpstream = 'sandbox'

/** The upstreams a message of `account` may go to, in order: the route's, or only the sandbox for a sandbox account. */
export const upstreamsForAccount = (account: Pick<Account, 'sandbox'> | undefined, routed: string[]): string[] =>
  account?.sandbox ? [SandboxUpstream] : routed
