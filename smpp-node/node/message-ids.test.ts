import { describe, expect, it } from 'vitest'
import { memoryQuotas } from '../../lib/adapters/memory/quotas'
import { clientIdOf } from '../../lib/domain/message-id-format'
import { MessageIds } from './message-ids'

const decimal = { accountId: 'acme', messageIdFormat: 'decimal' as const }

describe('MessageIds (issue 17)', () => {
  it('gives decimal ids unique across two nodes sharing one sequence, over many blocks', async () => {
    const quotas = memoryQuotas()
    const a = new MessageIds('node-a', 'x', () => 1, quotas, 50)
    const b = new MessageIds('node-b', 'y', () => 1, quotas, 50)
    const ids: string[] = []
    for (let i = 0; i < 1_000; i++) ids.push(await (i % 3 === 0 ? b : a).next(decimal))
    expect(new Set(ids).size).toBe(1_000)
    for (const id of ids) expect(clientIdOf(id)).toMatch(/^[1-9]\d{9}$/)
  })

  it('answers at once once warm, and asks for the next block before this one runs out', async () => {
    const quotas = memoryQuotas()
    const ids = new MessageIds('node-a', 'x', () => 1, quotas, 10)
    await ids.warm(decimal)
    const sync: unknown[] = []
    for (let i = 0; i < 6; i++) sync.push(ids.next(decimal))
    expect(sync.every((id) => typeof id === 'string')).toBe(true)
    await new Promise((r) => setImmediate(r)) // the spare block's write
    for (let i = 0; i < 14; i++) expect(typeof ids.next(decimal)).toBe('string')
  })

  it('gives opaque and hex ids without any store', () => {
    const ids = new MessageIds('node-a', 'x', () => 1, { block: () => Promise.reject(new Error('not used')) })
    expect(ids.next({ accountId: 'a' })).toMatch(/^[0-9A-Z]{24}$/)
    expect(ids.next({ accountId: 'a', messageIdFormat: 'hex' })).toMatch(/^[0-9a-f]{29}$/)
  })
})
