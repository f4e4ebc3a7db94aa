/**
 * An account's throttles beyond its speed (issue 17), counted in parts as the speed is (a submit_multi costs parts x
 * destinations). Every field is optional: an account without them has only its speed.
 */
export interface ThrottleLimits {
  perMinute?: number
  perHour?: number
  perDay?: number
  /** Seconds of speed the per-second bucket holds: a burst of speed x burstSec parts passes at once (default 1). */
  burstSec?: number
  /** Messages in flight (submitted, verdict not yet answered) per destination prefix, longest prefix first; 0x14 over it. */
  inFlight?: { prefix: string; max: number }[]
}

export interface Window {
  name: 'm' | 'h' | 'd'
  ms: number
  limit: number
}

/** Fixed UTC windows: a minute, an hour, a day (a day starts at 00:00 UTC, as usage days do). */
export function windowsOf(limits: ThrottleLimits | undefined): Window[] {
  if (!limits) return []
  const all: [Window['name'], number, number | undefined][] = [
    ['m', 60_000, limits.perMinute],
    ['h', 3_600_000, limits.perHour],
    ['d', 86_400_000, limits.perDay],
  ]
  return all.filter(([, , limit]) => limit !== undefined && limit > 0).map(([name, ms, limit]) => ({ name, ms, limit: limit! }))
}

export const windowStart = (w: Pick<Window, 'ms'>, nowMs: number): number => Math.floor(nowMs / w.ms) * w.ms

/** The in-flight limit a destination falls under: the longest matching prefix ('' matches all), or none. */
export function inFlightLimitOf(limits: ThrottleLimits | undefined, destination: string): { prefix: string; max: number } | undefined {
  let best: { prefix: string; max: number } | undefined
  for (const l of limits?.inFlight ?? []) {
    if (destination.startsWith(l.prefix) && (!best || l.prefix.length > best.prefix.length)) best = l
  }
  return best
}
