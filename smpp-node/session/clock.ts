/**
 * Time as the node sees it. Connections, the verdict book and the throttles read time and set timers only
 * through a Clock, so tests step time forward (testing/fake-clock.ts) instead of sleeping.
 */
export type TimerHandle = { readonly __timer: unique symbol } | object

export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle | undefined): void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => {
    if (handle !== undefined) clearTimeout(handle as NodeJS.Timeout)
  },
}

/** Resolves after `ms` on the given clock (fake clocks resolve it when stepped past). */
export const sleep = (clock: Clock, ms: number): Promise<void> => new Promise((resolve) => clock.setTimeout(resolve, ms))
