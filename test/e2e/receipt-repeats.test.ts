import { describe, expect, it } from 'vitest'
import { InFlightPerSession, repeatsAfterKill } from './receipt-repeats'

const ids = (n: number, p = 'r') => Array.from({ length: n }, (_, i) => `${p}${i}`)

describe('repeatsAfterKill (issue 18)', () => {
  it("accepts repeats among the dead session's last window, each once more later", () => {
    const dead = ids(40)
    const tail = dead.slice(-InFlightPerSession)
    expect(repeatsAfterKill(dead, [[...tail, 'new1'], ['new2']])).toEqual({ repeated: tail, beforeItsLastWindow: [], unexplained: [] })
  })

  it('flags a repeat from before the window, one twice on one session, and one sent twice after the kill', () => {
    const dead = [...ids(30), 'r5']
    const r = repeatsAfterKill(dead, [['r0', 'r29', 'r29'], ['r28']])
    expect(r.repeated).toEqual(['r0', 'r28', 'r29'])
    expect(r.beforeItsLastWindow).toEqual(['r0'])
    expect(r.unexplained.sort()).toEqual(['r29', 'r5'])
  })
})
