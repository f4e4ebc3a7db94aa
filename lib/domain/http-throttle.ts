import type { Quotas } from '../ports'
import type { Account } from './model'
import { type Window, windowStart, windowsOf } from './throttle-limits'

/**
 * The windows an HTTP send counts against (issue 17): the account's minute, hour and day windows (throttle-limits.ts),
 * under the very keys the nodes' WindowGrants take their blocks from (`<account>#<m|h|d>#<window start>`), so SMPP
 * and HTTP traffic spend one count cluster-wide; and its speed as a window of `burstSec` seconds holding speed x
 * burstSec parts (the node's token bucket holds as much). A node's per-second bucket is its own share of the speed,
 * in its memory (smpp-node/edge/throttle.ts), so HTTP sends get the per-second figure in a window of their own.
 */
/** A window of the throttle-limits kind, or 's': the speed's own, for HTTP sends. */
export type HttpWindow = Omit<Window, 'name'> & { name: Window['name'] | 's' }

export function httpWindows(account: Pick<Account, 'speed' | 'throttle'>): HttpWindow[] {
  const burstSec = Math.max(1, account.throttle?.burstSec ?? 1)
  const speed: HttpWindow[] = account.speed > 0 ? [{ name: 's', ms: burstSec * 1_000, limit: Math.ceil(account.speed * burstSec) }] : []
  return [...speed, ...windowsOf(account.throttle)]
}

/**
 * Takes `parts` from every window of the account, atomically per window (Quotas.take: one conditional write each, an
 * HTTP send is not the batch hot path). All or nothing: when one window cannot grant them all, what the others
 * granted is given back and the answer is false (ESME_RTHROTTLED, 0x58).
 */
export async function takeHttpParts(
  deps: { quotas: Pick<Quotas, 'take' | 'giveBack'> },
  account: Pick<Account, 'accountId' | 'speed' | 'throttle'>,
  parts: number,
  nowMs: number,
): Promise<boolean> {
  const windows = httpWindows(account)
  const keys = windows.map((w) => `${account.accountId}#${w.name}#${windowStart(w, nowMs)}`)
  // As the node's bucket lets a message longer than it holds pass when full, the speed window asks at most its limit.
  const wants = windows.map((w) => (w.name === 's' ? Math.min(parts, w.limit) : parts))
  const granted = await Promise.all(
    windows.map((w, i) => deps.quotas.take(keys[i], wants[i], w.limit, windowStart(w, nowMs) + w.ms, nowMs)),
  )
  if (granted.every((g, i) => g >= wants[i])) return true
  await Promise.all(granted.map((g, i) => (g > 0 ? deps.quotas.giveBack(keys[i], g, nowMs) : undefined)))
  return false
}
