import { describe, expect, it } from 'vitest'
import { memoryStores } from '../adapters/memory'
import { Status } from '../smpp/status'
import { decideOnce, isPastDeadline } from './decision'

const T0 = new Date('2026-12-01T09:00:00Z')

describe('decideOnce', () => {
  it('records the first verdict with the retention TTL and hands the later writer the first one', async () => {
    const { ledger } = memoryStores({ now: () => T0 })
    expect(await decideOnce(ledger, 'm1', Status.NotRegistered, T0, 2)).toEqual({ result: 'recorded' })
    expect(await decideOnce(ledger, 'm1', Status.Ok, T0, 2)).toEqual({
      result: 'already-decided',
      decision: { messageId: 'm1', status: Status.NotRegistered, decidedAt: T0.toISOString() },
    })
  })
})

describe('isPastDeadline', () => {
  it('is past only after the deadline, and never for an async account (answered 0 at once)', () => {
    expect(isPastDeadline({ async: false, deadline: 1000 }, 1000)).toBe(false)
    expect(isPastDeadline({ async: false, deadline: 1000 }, 1001)).toBe(true)
    expect(isPastDeadline({ async: true, deadline: 1000 }, 5000)).toBe(false)
  })
})
