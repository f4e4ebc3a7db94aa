import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatReceipt, MessageState, parseReceipt, type Receipt, ReceiptStat, stateOf, statOf } from './receipt'

const at = (iso: string) => new Date(iso)

describe('formatReceipt (SMPP 3.4 Appendix B)', () => {
  it('lays the fields out exactly, dates in UTC', () => {
    const text = formatReceipt({
      id: '0123456789',
      sub: 1,
      dlvrd: 1,
      submitDate: at('2024-03-05T23:59:30Z'),
      doneDate: at('2024-03-06T00:01:00Z'),
      stat: ReceiptStat.Delivered,
      err: 0,
      text: 'Hello from the platform, this is cut',
    })
    expect(text).toBe(
      'id:0123456789 sub:001 dlvrd:001 submit date:2403052359 done date:2403060001 stat:DELIVRD err:000 text:Hello from the platf',
    )
  })

  it('writes long ids whole, pads err and keeps a surrogate pair whole in text', () => {
    const text = formatReceipt({
      id: '3f2a9c1e-77b0-4c5e-9a1d-5b8f0e2c4d61',
      sub: 3,
      dlvrd: 0,
      submitDate: at('2030-12-31T10:00:00Z'),
      doneDate: at('2030-12-31T10:05:00Z'),
      stat: ReceiptStat.Undeliverable,
      err: 1075,
      text: `${'x'.repeat(19)}😀tail`,
    })
    expect(text).toBe(
      `id:3f2a9c1e-77b0-4c5e-9a1d-5b8f0e2c4d61 sub:003 dlvrd:000 submit date:3012311000 done date:3012311005 stat:UNDELIV err:1075 text:${'x'.repeat(19)}😀`,
    )
  })
})

describe('parseReceipt', () => {
  const d = (iso: string) => at(iso)
  it.each<[string, string, Partial<Receipt>]>([
    [
      'Appendix B layout',
      'id:0123456789 sub:001 dlvrd:001 submit date:0610191018 done date:0610191018 stat:DELIVRD err:000 text:Hello World',
      {
        id: '0123456789',
        sub: 1,
        dlvrd: 1,
        submitDate: d('2006-10-19T10:18:00Z'),
        doneDate: d('2006-10-19T10:18:00Z'),
        stat: 'DELIVRD',
        err: '000',
        text: 'Hello World',
      },
    ],
    [
      'capital Text: and hex id (Kannel-style peers)',
      'id:c449ab9744f47b6af1879e49e75e4f40 sub:001 dlvrd:001 submit date:1306131510 done date:1306131511 stat:DELIVRD err:0 Text:Hi',
      { id: 'c449ab9744f47b6af1879e49e75e4f40', stat: 'DELIVRD', err: '0', text: 'Hi', doneDate: d('2013-06-13T15:11:00Z') },
    ],
    [
      'upper-case field names',
      'ID:12345 SUB:001 DLVRD:000 SUBMIT DATE:2101011200 DONE DATE:2101021200 STAT:EXPIRED ERR:000 TEXT:reminder',
      { id: '12345', sub: 1, dlvrd: 0, stat: 'EXPIRED', text: 'reminder', doneDate: d('2021-01-02T12:00:00Z') },
    ],
    [
      'submit_date / done_date with underscores',
      'id:7220108223 sub:001 dlvrd:001 submit_date:1311271124 done_date:1311271125 stat:DELIVRD err:000 text:',
      { id: '7220108223', submitDate: d('2013-11-27T11:24:00Z'), doneDate: d('2013-11-27T11:25:00Z'), text: '' },
    ],
    [
      '12-digit dates with seconds',
      'id:3456 sub:001 dlvrd:000 submit date:170510124455 done date:170510124502 stat:UNDELIV err:001 text:test',
      { id: '3456', submitDate: d('2017-05-10T12:44:55Z'), doneDate: d('2017-05-10T12:45:02Z'), stat: 'UNDELIV', err: '001' },
    ],
    [
      'missing sub, dlvrd and text',
      'id:1A2B3C4D submit date:1705101244 done date:1705101244 stat:REJECTD err:00B',
      { id: '1A2B3C4D', stat: 'REJECTD', err: '00B', sub: undefined, dlvrd: undefined, text: undefined },
    ],
    ['only id and stat', 'id:99 stat:ACCEPTD', { id: '99', stat: 'ACCEPTD', submitDate: undefined }],
    [
      'extra spaces around colons and between fields',
      '  id: 42   sub: 1  dlvrd: 1   submit date: 2402291200  done date : 2402291201  stat: DELIVRD   err: 0   text:spaced',
      { id: '42', sub: 1, dlvrd: 1, submitDate: d('2024-02-29T12:00:00Z'), stat: 'DELIVRD', err: '0', text: 'spaced' },
    ],
    [
      'lower-case stat and a long spelling',
      'id:77 sub:001 dlvrd:001 submit date:2401011200 done date:2401011200 stat:delivered err:000 text:x',
      { id: '77', stat: 'DELIVRD' },
    ],
    [
      'a stat word inside the text is not the field',
      'id:5 sub:001 dlvrd:000 submit date:2401011200 done date:2401011200 stat:UNDELIV err:005 text:check stat:DELIVRD id:9',
      { id: '5', stat: 'UNDELIV', text: 'check stat:DELIVRD id:9' },
    ],
    [
      'Jasmin-style UUID id',
      'id:b0ff5ae9-6b9d-4d4f-a5d5-3a52bcef7fa0 sub:001 dlvrd:001 submit date:1912101233 done date:1912101233 stat:DELIVRD err:000 text:-',
      { id: 'b0ff5ae9-6b9d-4d4f-a5d5-3a52bcef7fa0', text: '-' },
    ],
    [
      'run-together and doubled-space date names',
      'id:8 submitdate:2405011200 done  date:2405011201 stat:DELETED',
      { id: '8', submitDate: d('2024-05-01T12:00:00Z'), doneDate: d('2024-05-01T12:01:00Z'), stat: 'DELETED' },
    ],
    ['an unknown stat reads as UNKNOWN', 'id:1 stat:WHATEVER err:000', { id: '1', stat: 'UNKNOWN' }],
    [
      'an impossible date is left out',
      'id:1 submit date:2413011200 done date:2402301200 stat:DELIVRD',
      { id: '1', submitDate: undefined, doneDate: undefined },
    ],
  ])('reads %s', (_, text, expected) => {
    const receipt = parseReceipt(text)
    expect(receipt).not.toBeNull()
    for (const [k, v] of Object.entries(expected)) expect(receipt![k as keyof Receipt], k).toEqual(v)
  })

  it.each(['', 'hello there', 'sub:001 dlvrd:001 stat:DELIVRD', 'id:123 sub:001 text:stat:DELIVRD'])(
    'is null without id and stat: %j',
    (text) => {
      expect(parseReceipt(text)).toBeNull()
    },
  )

  it('reads back whatever formatReceipt writes', () => {
    const minute = fc
      .date({ min: at('2000-01-01T00:00:00Z'), max: at('2099-12-31T23:59:00Z'), noInvalidDate: true })
      .map((date) => new Date(Math.floor(date.getTime() / 60_000) * 60_000))
    fc.assert(
      fc.property(
        fc.record({
          id: fc.stringMatching(/^[0-9A-Za-z-]{1,40}$/),
          sub: fc.integer({ min: 0, max: 999 }),
          dlvrd: fc.integer({ min: 0, max: 999 }),
          submitDate: minute,
          doneDate: minute,
          stat: fc.constantFrom(...Object.values(ReceiptStat)),
          err: fc.integer({ min: 0, max: 9999 }),
          text: fc.string({ unit: 'grapheme', maxLength: 30 }),
        }),
        (fields) => {
          expect(parseReceipt(formatReceipt(fields))).toEqual({
            ...fields,
            err: String(fields.err).padStart(3, '0'),
            text: Array.from(fields.text).slice(0, 20).join(''),
          })
        },
      ),
    )
  })
})

describe('statOf / stateOf (SMPP 3.4 5.2.28)', () => {
  it.each([
    [MessageState.Enroute, 1, 'ENROUTE'],
    [MessageState.Delivered, 2, 'DELIVRD'],
    [MessageState.Expired, 3, 'EXPIRED'],
    [MessageState.Deleted, 4, 'DELETED'],
    [MessageState.Undeliverable, 5, 'UNDELIV'],
    [MessageState.Accepted, 6, 'ACCEPTD'],
    [MessageState.Unknown, 7, 'UNKNOWN'],
    [MessageState.Rejected, 8, 'REJECTD'],
  ])('message_state %i (%i) <-> stat %s', (state, value, stat) => {
    expect(state).toBe(value)
    expect(statOf(state)).toBe(stat)
    expect(stateOf(stat)).toBe(state)
  })

  it('reads unknown values as UNKNOWN both ways', () => {
    expect(statOf(0)).toBe('UNKNOWN')
    expect(statOf(9)).toBe('UNKNOWN')
    expect(stateOf('NOPE')).toBe(MessageState.Unknown)
    expect(stateOf('undelivered')).toBe(MessageState.Undeliverable)
  })
})
