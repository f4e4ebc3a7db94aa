import type { Account, BindType, SessionEntry } from './model'

/** SMPP 3.4 section 2.2: a transmitter or transceiver may submit; a receiver or transceiver may be sent deliver_sm. */
export const canSubmit = (bindType: BindType): boolean => bindType !== 'receiver'
export const canReceive = (bindType: BindType): boolean => bindType !== 'transmitter'

/**
 * An account's sessions on other nodes, from the session registry. A node counts its own sessions from
 * memory (it knows them best, the registry lags a write), so the registry is asked only for the rest.
 * `submitting` counts the sessions that share the account's speed: receivers send nothing to throttle.
 */
export const sessionsElsewhere = (live: readonly SessionEntry[], nodeId: string, which: 'all' | 'submitting' = 'all'): number =>
  live.filter((e) => e.nodeId !== nodeId && (which === 'all' || canSubmit(e.bindType))).length

/** The per-account session limit holds across nodes (docs/DESIGN.md: binds). */
export const sessionLimitReached = (account: Pick<Account, 'sessionLimit'>, elsewhere: number, here: number): boolean =>
  elsewhere + here >= account.sessionLimit
