import { describe, expect, it } from 'vitest'
import { AnswerLog, MaxUnsure } from './answer-log'

// Issue 18, item 1: the node's record of the submit_sm_resp it wrote.
describe('AnswerLog', () => {
  it('lists what waits, and what was answered in the period, as unsure; later records drop the answered', () => {
    const log = new AnswerLog()
    log.opened('A')
    log.opened('B')
    expect(log.take(100)).toEqual({ atMs: 100, unsure: ['A', 'B'] })
    log.answered('A')
    expect(log.take(300)).toEqual({ atMs: 300, unsure: ['B', 'A'] }) // answered within the period: not proven yet
    expect(log.take(500)).toEqual({ atMs: 500, unsure: ['B'] })
    expect(log.take(700)).toBeUndefined() // nothing changed: nothing to write
    log.answered('B')
    expect(log.take(900)?.unsure).toEqual(['B'])
    expect(log.take(1_100)).toEqual({ atMs: 1_100, unsure: [] })
  })

  it('an answer for an id it never saw waiting changes nothing (a verdict for another node)', () => {
    const log = new AnswerLog()
    log.answered('X')
    expect(log.take(100)).toBeUndefined()
    expect(log.take(200, true)).toEqual({ atMs: 200, unsure: [] }) // a retirement writes its record regardless
  })

  it('writes no record past MaxUnsure ids: the last one written stays true', () => {
    const log = new AnswerLog()
    for (let i = 0; i <= MaxUnsure; i++) log.opened(`m${i}`)
    expect(log.take(100)).toBeUndefined()
  })

  it('past MaxUnsure answered in one period writes no record for it; the next period lists what still waits', () => {
    const log = new AnswerLog()
    for (let i = 0; i < MaxUnsure + 5; i++) log.opened(`m${i}`)
    log.opened('late')
    expect(log.take(100)).toBeUndefined()
    for (let i = 0; i < MaxUnsure + 5; i++) log.answered(`m${i}`)
    expect(log.take(300)).toBeUndefined() // every answer of the period is unsure: too many to write
    expect(log.take(500)).toEqual({ atMs: 500, unsure: ['late'] }) // the answers of the last period are proven now
    log.answered('late')
    expect(log.take(700)).toEqual({ atMs: 700, unsure: ['late'] })
  })
})
