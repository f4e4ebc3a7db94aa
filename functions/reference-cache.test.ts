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

describe('cachedReference (issue 12: the submit function reads the rules once while their version stays)', () => {
  it('answers a key from its first read while the version stays, an absent row included, for ReferenceCacheMs at most', async () => {
    const { cached, reads, advance } = setup()
    cached.sync()
    expect(await cached.stopWords('acme')).toEqual([])
    expect(await cached.tariffFor('p1', '4477')).toBeUndefined()
    cached.sync() // the next invocation: the version has not moved
    expect(await cached.stopWords('acme')).toEqual([])
    expect(await cached.tariffFor('p1', '4477')).toBeUndefined()
    expect(reads).toEqual(['stop acme', 'tariff p1 4477'])
    advance(ReferenceCacheMs) // the backstop
    expect(await cached.stopWords('acme')).toEqual([])
    expect(await cached.tariffFor('p1', '4478')).toBeUndefined() // another key: its own read
    expect(reads).toEqual(['stop acme', 'tariff p1 4477', 'stop acme', 'tariff p1 4478'])
  })

  it("an operator's change applies from the next invocation: the rules' version moved, nothing kept is used", async () => {
    const { inner, cached, reads } = setup()
    cached.sync()
    expect(await cached.stopWords('acme')).toEqual([])
    expect(await cached.blacklistHits('acme', '100', '4477')).toEqual([])
    await inner.putStopWord('acme', 'jackpot')
    await inner.putBlacklist({ owner: 'acme', number: '4477', scope: 'recipient' })
    expect(await cached.stopWords('acme')).toEqual([]) // the same invocation: what it read at its start
    cached.sync()
    expect(await cached.stopWords('acme')).toEqual(['jackpot'])
    expect(await cached.blacklistHits('acme', '100', '4477')).toMatchObject([{ number: '4477' }])
    expect(reads).toEqual(['stop acme', 'stop acme'])
  })

  it('keeps nothing while the version cannot be read', async () => {
    const { inner } = setup()
    const reads: string[] = []
    let down = false
    const cached = cachedReference(
      {
        ...inner,
        rulesVersion: () => (down ? Promise.reject(new Error('throttled')) : inner.rulesVersion()),
        stopWords: (a) => {
          reads.push(`stop ${a}`)
          return inner.stopWords(a)
        },
      },
      () => T0,
    )
    cached.sync()
    await cached.stopWords('acme')
    down = true
    cached.sync()
    await cached.stopWords('acme')
    expect(reads).toEqual(['stop acme', 'stop acme'])
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
