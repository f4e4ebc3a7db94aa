import { describe, expect, it } from 'vitest'
import { Status } from '../smpp/status'
import { SmppError } from './errors'
import { parseSchedule, parseValidity, relativeSmppTime } from './smpp-time'

const received = new Date('2026-01-31T10:00:00.000Z')

describe('SMPP 3.4 section 7.1.1 time fields', () => {
  it('reads an empty field as no time', () => {
    expect(parseSchedule('', received)).toBeUndefined()
  })

  it.each([
    ['261201093000000+', '2026-12-01T09:30:00.000Z'], // UTC
    ['261201093005300+', '2026-12-01T09:30:05.300Z'], // tenths
    ['261201113000008+', '2026-12-01T09:30:00.000Z'], // local 2 h ahead of UTC (8 quarter hours)
    ['261201063000012-', '2026-12-01T09:30:00.000Z'], // local 3 h behind UTC
    ['991231235959948+', '2099-12-31T11:59:59.900Z'], // 12 h ahead: the largest offset
  ])('reads the absolute time %s as %s', (field, iso) => {
    expect(parseSchedule(field, received)?.toISOString()).toBe(iso)
  })

  it.each([
    ['000000000130000R', '2026-01-31T10:01:30.000Z'], // +90 s
    ['000001020304000R', '2026-02-01T12:03:04.000Z'],
    ['000100000000000R', '2026-03-03T10:00:00.000Z'], // one month after 31 January, by the calendar
    ['010000000000000R', '2027-01-31T10:00:00.000Z'],
  ])('reads the relative time %s from the receive time as %s', (field, iso) => {
    expect(parseValidity(field, received)?.toISOString()).toBe(iso)
  })

  it.each([
    '2612010930',
    '261201093000000X',
    '261301093000000+',
    '260230093000000+',
    '261201253000000+',
    '261201093000049+',
    'abcdefghijklmnoR',
  ])('refuses %s with the field’s own status', (field) => {
    const statusOf = (f: () => unknown) => {
      try {
        f()
      } catch (err) {
        return err instanceof SmppError ? err.status : -1
      }
      return 0
    }
    expect(statusOf(() => parseSchedule(field, received))).toBe(Status.InvSched)
    expect(statusOf(() => parseValidity(field, received))).toBe(Status.InvExpiry)
  })

  it('writes relative fields that read back as the same wait', () => {
    for (const sec of [0, 90, 120, 3_661, 86_400 * 3 + 7]) {
      expect(parseSchedule(relativeSmppTime(sec), received)!.getTime() - received.getTime()).toBe(sec * 1000)
    }
  })
})
