import { describe, expect, it } from 'vitest'
import { memoryStores } from '../lib/adapters/memory'
import type { ReferenceStore } from '../lib/ports'
import { cachedReference, ReferenceCacheMs } from './reference-cache'

const T0 = new Date('2025-03-01T12:00:00Z')

/** A memory reference store that counts its reads, behind the cache, on a clock the test moves. */
function setup() {
  let t = T0.getTime()
  const inner = memoryStores({ now: () => new Date(t) }).reference
  const reads: string[] = []
  const count =
    <A extends unknown[], R>(name: string, f: (...a: A) => R) =>
    (...a: A) => {
      reads.push([name, ...a].join(' '))
      return f(...a)
    }
  const counted: ReferenceStore = {
    ...inner,
    stopWords: count('stop', inner.stopWords),
    tariffFor: count('tariff', inner.tariffFor),
    upstream: count('upstream', inner.upstream),
  }
  const cached = cachedReference(counted, () => new Date(t))
  return { inner, cached, reads, advance: (ms: number) => (t += ms) }
}

describe('cachedReference (issue 12: the submit function reads the rules once per ReferenceCacheMs)', () => {
  it('answers a key read within the bound from the first read, an absent row included, and reads it afresh after', async () => {
    const { inner, cached, reads, advance } = setup()
    expect(await cached.stopWords('acme')).toEqual([])
    expect(await cached.tariffFor('p1', '4477')).toBeUndefined()
    await inner.putStopWord('acme', 'jackpot')
    await inner.putTariff({ plan: 'p1', prefix: '44', price: 5, currency: 'EUR' })
    advance(ReferenceCacheMs - 1) // the propagation delay: the change is not seen yet
    expect(await cached.stopWords('acme')).toEqual([])
    expect(await cached.tariffFor('p1', '4477')).toBeUndefined()
    expect(reads).toEqual(['stop acme', 'tariff p1 4477'])
    advance(1)
    expect(await cached.stopWords('acme')).toEqual(['jackpot'])
    expect(await cached.tariffFor('p1', '4477')).toMatchObject({ price: 5 })
    expect(await cached.tariffFor('p1', '4478')).toMatchObject({ price: 5 }) // another key: its own read
    expect(reads).toHaveLength(5)
  })

  it('keeps no failed read, and passes the upstream rows and the writes straight through', async () => {
    const { inner, cached, reads } = setup()
    let fail = true
    const flaky = cachedReference(
      { ...inner, stopWords: async (a) => (fail ? Promise.reject(new Error('throttled')) : inner.stopWords(a)) },
      () => T0,
    )
    await expect(flaky.stopWords('acme')).rejects.toThrow('throttled')
    fail = false
    expect(await flaky.stopWords('acme')).toEqual([])
    await cached.putUpstream({ upstreamId: 'up', kind: 'http', url: 'http://127.0.0.1:1/sms', timeoutMs: 1_000 })
    expect(await cached.upstream('up')).toMatchObject({ timeoutMs: 1_000 })
    await cached.putUpstream({ upstreamId: 'up', kind: 'http', url: 'http://127.0.0.1:1/sms', timeoutMs: 2_000 })
    expect(await cached.upstream('up')).toMatchObject({ timeoutMs: 2_000 })
    expect(reads).toEqual(['upstream up', 'upstream up'])
  })
})
