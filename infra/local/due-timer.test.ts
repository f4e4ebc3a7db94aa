import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextWait, startSweeps } from './due-timer'

const cadence = { intervalMs: 1_000, idleMaxMs: 8_000 }

describe('the local due sweep cadence (issue 12: an idle stack under 5 % of a core)', () => {
  it.each([
    [1_000, false, 2_000],
    [4_000, false, 8_000],
    [8_000, false, 8_000],
    [8_000, true, 1_000],
  ])('after a %i ms wait, found work %s: waits %i ms', (last, found, next) => {
    expect(nextWait(last, found, cadence)).toBe(next)
  })

  it('never waits less than the base cadence, even with an idle bound below it', () => {
    expect(nextWait(1_000, false, { intervalMs: 1_000, idleMaxMs: 500 })).toBe(1_000)
  })
})

describe('startSweeps', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  /** Sweep start times (fake clock) while `results` answer in turn: `{}` is an empty sweep, `{ release: 1 }` work. */
  async function sweepTimes(results: unknown[], runForMs: number): Promise<number[]> {
    const at: number[] = []
    let i = 0
    const timer = startSweeps(
      async () => {
        at.push(Date.now())
        const r = results[Math.min(i++, results.length - 1)]
        if (r instanceof Error) throw r
        return r
      },
      cadence,
      () => {},
    )
    await vi.advanceTimersByTimeAsync(runForMs)
    await timer.stop()
    return at.map((t) => t - at[0])
  }

  it('backs off 1, 2, 4, 8, 8 s while sweeps find nothing', async () => {
    expect(await sweepTimes([{}], 31_000)).toEqual([0, 1_000, 3_000, 7_000, 15_000, 23_000, 31_000])
  })

  it('returns to the base cadence as soon as a sweep finds work', async () => {
    const found = { release: 2 }
    expect(await sweepTimes([{}, {}, {}, found, {}], 12_000)).toEqual([0, 1_000, 3_000, 7_000, 8_000, 10_000])
  })

  it('a failed sweep is tried again at the base cadence', async () => {
    expect(await sweepTimes([{}, {}, new Error('table stalled'), {}], 6_000)).toEqual([0, 1_000, 3_000, 4_000, 6_000])
  })

  it('sweeps nothing after stop', async () => {
    let runs = 0
    const timer = startSweeps(
      async () => void runs++,
      cadence,
      () => {},
    )
    await timer.stop()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(runs).toBe(1)
  })
})
