import type { Strikes } from '../ports'

/**
 * Limits on bind attempts (issue 13, items 1 and 6), shared by every node through the Strikes port.
 *
 * - Per source address: every bind from an address strikes `A#<address>` BEFORE the password is hashed,
 *   so binds in flight at once (pipelined, or over many connections and nodes) all count; a bind that
 *   succeeds takes its strike back. Over `perAddress` strikes the address is refused without a hash, and
 *   each further attempt doubles the hold (from `holdMs` up to `maxHoldMs`): growing backoff.
 * - Per system_id: binds from an address that has never bound this system_id strike `S#<system_id>` too,
 *   bounding a guess spread over many addresses. An address that has bound the account before
 *   (`K#<system_id>#<address>`, kept `knownMs`) skips that counter, so an attacker elsewhere cannot lock a
 *   customer out of its usual address; at worst it delays the customer's first bind from a new one.
 */
export interface BindLimits {
  perAddress: number
  perSystemId: number
  /** The window a strike is counted in, and the first hold once over a limit. */
  holdMs: number
  maxHoldMs: number
  /** How long an address that bound an account stays known to it. */
  knownMs: number
}

/** The hold after `count` strikes: the window up to the limit, then doubling per strike over it. */
export const holdFor =
  (limits: Pick<BindLimits, 'holdMs' | 'maxHoldMs'>, limit: number) =>
  (count: number): number =>
    count <= limit ? limits.holdMs : Math.min(limits.maxHoldMs, limits.holdMs * 2 ** Math.min(30, count - limit))

const Keys = {
  address: (address: string) => `A#${address}`,
  systemId: (systemId: string) => `S#${systemId}`,
  known: (systemId: string, address: string) => `K#${systemId}#${address}`,
}

/** What a bind attempt took: handed back to `bindSucceeded`, so a good bind costs nobody a strike. */
export interface BindTicket {
  systemId: string
  address: string
  struck: string[]
}

export type Admission = { admitted: true; ticket: BindTicket } | { admitted: false; why: string }

/** Counts the attempt, then says whether the password may be checked at all. */
export async function admitBind(
  deps: { strikes: Strikes; limits: BindLimits; nowMs: number },
  systemId: string,
  address: string,
): Promise<Admission> {
  const { strikes, limits, nowMs } = deps
  // system_id is at most 16 octets (SMPP 3.4 section 4.1.1); longer input is cut, never stored whole.
  const sys = systemId.slice(0, 16)
  const struck: string[] = []
  const [byAddress, known] = await Promise.all([
    strikes.strike(Keys.address(address), nowMs, holdFor(limits, limits.perAddress)),
    strikes.count(Keys.known(sys, address), nowMs),
  ])
  struck.push(Keys.address(address))
  if (limits.perAddress > 0 && byAddress > limits.perAddress) {
    return { admitted: false, why: `address over ${limits.perAddress} bind attempts` }
  }
  if (known === 0) {
    const bySystemId = await strikes.strike(Keys.systemId(sys), nowMs, holdFor(limits, limits.perSystemId))
    struck.push(Keys.systemId(sys))
    if (limits.perSystemId > 0 && bySystemId > limits.perSystemId) {
      return { admitted: false, why: `system_id over ${limits.perSystemId} bind attempts from new addresses` }
    }
  }
  return { admitted: true, ticket: { systemId: sys, address, struck } }
}

/** A good bind: its strikes are taken back and the address becomes known to the account. */
export async function bindSucceeded(deps: { strikes: Strikes; limits: BindLimits; nowMs: number }, ticket: BindTicket): Promise<void> {
  await Promise.all([
    ...ticket.struck.map((k) => deps.strikes.forgive(k)),
    deps.strikes.remember(Keys.known(ticket.systemId, ticket.address), deps.nowMs + deps.limits.knownMs),
  ])
}
