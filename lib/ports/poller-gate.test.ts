import { describe, expect, it } from 'vitest'
import { PollerGate } from './poller-gate'

/** Whether `p` has settled once the microtasks queued so far have run. */
async function settled(p: Promise<void>): Promise<boolean> {
  let done = false
  void p.then(() => {
    done = true
  })
  await new Promise((r) => setImmediate(r))
  return done
}

describe('PollerGate (issue 12: an idle queue holds one long poll)', () => {
  it('lets poller 0 poll always and parks the others until a receive finds messages', async () => {
    const gate = new PollerGate()
    expect(await settled(gate.turn(0))).toBe(true)
    const second = gate.turn(1)
    const third = gate.turn(2)
    expect(await settled(second)).toBe(false)
    expect(gate.waiting).toBe(2)
    gate.received(0) // an empty receive wakes nobody
    expect(await settled(third)).toBe(false)
    gate.received(3)
    expect(await settled(second)).toBe(true)
    expect(await settled(third)).toBe(true)
    expect(gate.waiting).toBe(0)
  })

  it('keeps every poller polling while receives find messages, and parks them again after an empty one', async () => {
    const gate = new PollerGate()
    gate.received(10)
    expect(await settled(gate.turn(1))).toBe(true)
    gate.received(0)
    expect(await settled(gate.turn(1))).toBe(false)
  })

  it('releases parked pollers on stop and parks none after it', async () => {
    const gate = new PollerGate()
    const parked = gate.turn(3)
    gate.stop()
    expect(await settled(parked)).toBe(true)
    expect(await settled(gate.turn(1))).toBe(true)
    expect(gate.waiting).toBe(0)
  })
})
