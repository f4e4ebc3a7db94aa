import { Logger } from '@aws-lambda-powertools/logger'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { maskingReplacer, maskNumber } from './mask'

// Issue 15: the DLR function logged destination numbers unmasked; the Lambdas' Powertools Logger masks them now.
describe("maskingReplacer in the Lambdas' Powertools Logger", () => {
  afterEach(() => vi.restoreAllMocks())

  it('masks numbers in fields named like addresses, drops secrets, keeps the rest', () => {
    const lines: string[] = []
    // Powertools' Console writes info to stdout and warn/error to stderr.
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk) => {
        lines.push(String(chunk))
        return true
      })
    }
    const logger = new Logger({ serviceName: 'test', jsonReplacerFn: maskingReplacer })
    logger.warn('MO to a number no account owns dropped', {
      upstreamId: 'carrier-a',
      destinationAddr: '447700900999',
      nested: { sourceAddr: '4915112345678', password: 'hunter2' },
      messageId: 'M123',
    })
    const entry = JSON.parse(lines.find((l) => l.includes('MO to a number'))!)
    expect(entry).toMatchObject({ level: 'WARN', upstreamId: 'carrier-a', destinationAddr: '447*******99', messageId: 'M123' })
    expect(entry.nested).toEqual({ sourceAddr: '491********78' })
    expect(JSON.stringify(entry)).not.toContain('447700900999')
  })

  it.each([
    ['12345', '*****'],
    ['447700900999', '447*******99'],
  ])('maskNumber(%s) = %s', (number, masked) => expect(maskNumber(number)).toBe(masked))
})
