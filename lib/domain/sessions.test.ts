import { describe, expect, it } from 'vitest'
import type { BindType, SessionEntry } from './model'
import { canReceive, canSubmit, sessionLimitReached, sessionsElsewhere } from './sessions'

const entry = (nodeId: string, bindType: BindType): SessionEntry => ({
  accountId: 'a',
  nodeId,
  sessionId: `${nodeId}-${bindType}`,
  bindType,
  callbackQueueUrl: 'q',
  boundAt: '2026-12-01T09:00:00Z',
  expiresAt: 0,
})
const live = [entry('n1', 'transmitter'), entry('n2', 'receiver'), entry('n2', 'transceiver'), entry('n3', 'transmitter')]

describe('sessions', () => {
  it('counts only the other nodes, and for the speed share only the sessions that submit', () => {
    expect(sessionsElsewhere(live, 'n1')).toBe(3)
    expect(sessionsElsewhere(live, 'n1', 'submitting')).toBe(2)
  })
  it('reaches the limit when this node and the others together hold it', () => {
    expect(sessionLimitReached({ sessionLimit: 4 }, 3, 0)).toBe(false)
    expect(sessionLimitReached({ sessionLimit: 4 }, 3, 1)).toBe(true)
  })
  it('lets transmitters and transceivers submit, receivers and transceivers receive', () => {
    expect((['transmitter', 'receiver', 'transceiver'] as const).map((b) => [canSubmit(b), canReceive(b)])).toEqual([
      [true, false],
      [false, true],
      [true, true],
    ])
  })
})
