import { describe, expect, it } from 'vitest'
import { type MakeStores, TestClock, uid } from './fixtures'

/** Quotas (issue 17): grants never pass the limit across concurrent callers; blocks never overlap. */
export function quotasContract(name: string, makeStores: MakeStores) {
  describe(`Quotas (${name})`, () => {
    it('grants concurrent blocks up to the limit and no further, then answers the room left', async () => {
      const clock = new TestClock()
      const { quotas } = await makeStores({ now: clock.now })
      const key = uid('acct#m')
      const t = clock.now().getTime()
      const grants = await Promise.all([1, 2, 3, 4, 5, 6].map(() => quotas.take(key, 20, 100, t + 60_000, t)))
      expect(grants.reduce((a, b) => a + b, 0)).toBe(100)
      expect(await quotas.take(key, 5, 100, t + 60_000, t)).toBe(0)
      await quotas.giveBack(key, 7, t)
      expect(await quotas.take(key, 20, 100, t + 60_000, t)).toBe(7)
    })

    it('answers a partial grant when less than the block is left', async () => {
      const clock = new TestClock()
      const { quotas } = await makeStores({ now: clock.now })
      const key = uid('acct#h')
      const t = clock.now().getTime()
      expect(await quotas.take(key, 90, 100, t + 1_000, t)).toBe(90)
      expect(await quotas.take(key, 30, 100, t + 1_000, t)).toBe(10)
    })

    it('hands out blocks that never overlap, with one salt for the sequence', async () => {
      const clock = new TestClock()
      const { quotas } = await makeStores({ now: clock.now })
      const key = uid('ID#acct')
      const blocks = await Promise.all([1, 2, 3, 4].map(() => quotas.block(key, 50)))
      expect(blocks.map((b) => b.start).sort((a, b) => a - b)).toEqual([0, 50, 100, 150])
      expect(new Set(blocks.map((b) => b.salt)).size).toBe(1)
      expect(blocks[0].salt).toMatch(/^[0-9a-f]{32}$/)
    })
  })
}
