import { describe, expect, it } from 'vitest'
import { jsonLog, maskNumber } from './log'
import { HexMessageIdLength, MessageIdLength, messageIdGenerator } from './message-id'

describe('message ids', () => {
  it('are 24 upper-case base-36 characters that sort in issue order, even within one millisecond', () => {
    let t = Date.UTC(2025, 0, 1)
    const next = messageIdGenerator('node-a', 'n1', () => t)
    const ids: string[] = []
    for (let i = 0; i < 50_000; i++) {
      if (i % 1000 === 0) t += 1
      ids.push(next())
    }
    expect(ids.every((id) => id.length === MessageIdLength && /^[0-9A-Z]+$/.test(id))).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
  })

  it('stay unique and ordered when the wall clock steps back', () => {
    let t = 1_000_000
    const next = messageIdGenerator('node-a', 'n1', () => t)
    const a = next()
    t -= 5000
    const b = next()
    expect(b > a).toBe(true)
  })

  it('differ between nodes, and between restarts of one node, issued in the same millisecond', () => {
    const at = () => 42
    const ids = [messageIdGenerator('node-a', 'x', at)(), messageIdGenerator('node-b', 'x', at)(), messageIdGenerator('node-a', 'y', at)()]
    expect(new Set(ids).size).toBe(3)
  })

  it('spill into the next millisecond after 46,656 ids in one', () => {
    const next = messageIdGenerator('n', 'x', () => 0)
    let last = ''
    for (let i = 0; i < 46_657; i++) last = next()
    expect(last.slice(0, 12)).toBe('000000001000')
  })

  it('in the hex layout (issue 17) are 29 lower-case hex digits, unique and in issue order', () => {
    const start = Date.UTC(2026, 0, 1)
    let t = start
    const next = messageIdGenerator('node-a', 'n1', () => t, undefined, 'hex')
    const ids: string[] = []
    for (let i = 0; i < 20_000; i++) {
      if (i % 5000 === 0) t += 1
      ids.push(next())
    }
    expect(ids.every((id) => id.length === HexMessageIdLength && /^[0-9a-f]+$/.test(id))).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
    expect(ids[0].slice(0, 11)).toBe((start + 1).toString(16).padStart(11, '0')) // the time leads, in hex
  })

  // Issue 13, item 4: ids were millisecond time + sequence + a fixed tag, so one id told you its neighbours.
  it('cannot be guessed from a neighbour: two ids in one millisecond differ in 40 random bits', () => {
    const next = messageIdGenerator('n', 'x', () => 7)
    const [a, b] = [next(), next()]
    expect(a.slice(0, 16)).not.toBe(b.slice(0, 16)) // the sequence moved on
    const tails = new Set(Array.from({ length: 1_000 }, () => next().slice(16)))
    expect(tails.size).toBeGreaterThan(990)
  })

  it('write each part as toString(36) would, at the edges of its width', () => {
    for (const r of [0, 1, 35, 36, 36 ** 7, 2 ** 40 - 1, 36 ** 8 - 1]) {
      const next = messageIdGenerator(
        'n',
        'x',
        () => 36 ** 9 - 1,
        () => r,
      )
      const id = next()
      expect(id.slice(16)).toBe(r.toString(36).toUpperCase().padStart(8, '0'))
      expect(id.slice(0, 9)).toBe('ZZZZZZZZZ')
      for (let i = 1; i < 1297; i++) next()
      expect(next().slice(9, 12)).toBe((1297).toString(36).toUpperCase()) // the sequence, '101'
    }
  })
})

describe('logs', () => {
  it('mask phone numbers and drop passwords', () => {
    const lines: string[] = []
    const log = jsonLog((l) => lines.push(l), { nodeId: 'n' })
    log.warn('bind refused', {
      systemId: 'acme',
      password: 'secret',
      sourceAddr: '4915112345678',
      destinationAddr: '4930123',
      nested: { msisdn: '447700900123' },
    })
    const entry = JSON.parse(lines[0])
    expect(entry).toMatchObject({ level: 'warn', msg: 'bind refused', nodeId: 'n', systemId: 'acme', sourceAddr: '491********78' })
    expect(entry.destinationAddr).toBe('493**23')
    expect(entry.nested.msisdn).toBe('447*******23')
    expect(lines[0]).not.toContain('secret')
    expect(lines[0]).not.toContain('4915112345678')
  })

  it('mask short numbers entirely', () => {
    expect(maskNumber('1234')).toBe('****')
  })
})
