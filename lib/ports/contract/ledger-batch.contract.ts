import { describe, expect, it } from 'vitest'
import type { ChargeResult, Stores } from '../index'
import { aCharge, aMessage, fundedAccount, type MakeStores, TestClock, uid } from './fixtures'

const results = (rs: ChargeResult[]) => rs.map((r) => r.result)

/** Every ledger line of the account in the clock's hour: the charged message ids and the summed amounts. */
async function lines(stores: Stores, accountId: string, clock: TestClock) {
  const { items } = await stores.ledger.entries(accountId, clock.iso(-3_600_000), clock.iso(3_600_000), 1000)
  const charges = items.filter((e) => e.kind === 'charge')
  return {
    ids: charges.flatMap((e) => e.messageIds ?? (e.messageId ? [e.messageId] : [])).sort(),
    total: charges.reduce((s, e) => s + e.amount, 0),
  }
}

/** Ledger.chargeBatch: one account's messages charged together, each once, each with its own result. */
export function ledgerBatchContract(name: string, makeStores: MakeStores) {
  describe(`Ledger.chargeBatch (${name})`, () => {
    const setup = async () => {
      const clock = new TestClock()
      return { clock, stores: await makeStores({ now: clock.now }) }
    }

    it('answers each message of a mixed batch its own result and moves balance, usage and ledger by the sum', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 45, duplicateWindowSec: 60 })
      const id = account.accountId
      const decided = aMessage(clock, id, { cost: 10 })
      expect(
        await stores.ledger.decide({ messageId: decided.messageId, status: 0x0402, decidedAt: clock.iso() }, clock.sec() + 60),
      ).toEqual({
        result: 'recorded',
      })
      const dupKey = { key: `DUP#${uid('fp')}`, expiresAt: clock.sec() + 60 }
      const charges = [
        aCharge(clock, aMessage(clock, id, { cost: 10 }), dupKey), // charged, claims the fingerprint
        aCharge(clock, aMessage(clock, id, { cost: 10 }), dupKey), // same fingerprint: duplicate
        aCharge(clock, decided), // the node's 0x0402 won
        aCharge(clock, aMessage(clock, id, { cost: 30 })), // 35 left: charged
        aCharge(clock, aMessage(clock, id, { cost: 10 })), // 5 left: refused
        aCharge(clock, aMessage(clock, id, { cost: 5, tariffPrefix: '44', country: 'GB' })), // a cheaper one still fits
      ]
      const out = await stores.ledger.chargeBatch(charges)
      expect(results(out)).toEqual(['charged', 'duplicate', 'already-decided', 'charged', 'insufficient-funds', 'charged'])
      expect(out[2]).toMatchObject({ decision: { status: 0x0402 } })
      expect((await stores.accounts.get(id))?.balance).toBe(0)
      expect((await stores.accounts.getExact(id))?.balance).toBe(0)
      const charged = [charges[0], charges[3], charges[5]].map((c) => c.message.messageId)
      expect(await lines(stores, id, clock)).toEqual({ ids: [...charged].sort(), total: -45 })
      const usage = await stores.usage.query(id, charges[0].usageDay, charges[0].usageDay)
      expect(usage.map((u) => [u.prefix, u.messages, u.parts, u.cost]).sort()).toEqual([
        ['44', 1, 2, 5],
        ['49', 2, 4, 40],
      ])
      for (const c of charges) {
        const stored = await stores.messages.get(c.message.messageId)
        expect(Boolean(stored), c.message.messageId).toBe(charged.includes(c.message.messageId))
      }
      // A redelivery of the whole batch charges nothing more and repeats each decision.
      const again = await stores.ledger.chargeBatch(charges)
      expect(results(again)).toEqual([
        'already-decided',
        'duplicate',
        'already-decided',
        'already-decided',
        'insufficient-funds',
        'already-decided',
      ])
      expect((await stores.accounts.get(id))?.balance).toBe(0)
    })

    it('sums the parts saved by shift tables into the batch CHARGED counter, absent where none were (issue 17)', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 1000 })
      const id = account.accountId
      const charges = [
        aCharge(clock, aMessage(clock, id, { cost: 20, parts: 2, partsSaved: 2 })),
        aCharge(clock, aMessage(clock, id, { cost: 30, parts: 3, partsSaved: 3 })),
        aCharge(clock, aMessage(clock, id, { cost: 10, parts: 1 })),
        aCharge(clock, aMessage(clock, id, { cost: 10, parts: 1, tariffPrefix: '44', country: 'GB' })),
      ]
      expect(results(await stores.ledger.chargeBatch(charges))).toEqual(['charged', 'charged', 'charged', 'charged'])
      const usage = await stores.usage.query(id, charges[0].usageDay, charges[0].usageDay)
      expect(usage.map((u) => [u.prefix, u.parts, u.partsSaved ?? 0]).sort()).toEqual([
        ['44', 1, 0],
        ['49', 6, 5],
      ])
    })

    it('answers a message listed twice in one batch once charged, once already decided', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 100 })
      const charge = aCharge(clock, aMessage(clock, account.accountId, { cost: 10 }))
      expect(results(await stores.ledger.chargeBatch([charge, charge]))).toEqual(['charged', 'already-decided'])
      expect((await stores.accounts.get(account.accountId))?.balance).toBe(90)
    })

    it('two concurrent batches on one account: exactly the covered messages are charged, never below the credit limit', async () => {
      const { clock, stores } = await setup()
      // 95 + a credit limit of 20 pays for 11 of the 20 messages of 10.
      const account = await fundedAccount(stores, clock, { balance: 0, creditLimit: 20 })
      const id = account.accountId
      expect(await stores.accounts.credit({ accountId: id, entryId: uid('topup'), at: clock.iso(), kind: 'topup', amount: 95 })).toBe(
        'credited',
      )
      const batch = () => Array.from({ length: 10 }, () => aCharge(clock, aMessage(clock, id, { cost: 10 })))
      const [a, b] = [batch(), batch()]
      const [ra, rb] = await Promise.all([stores.ledger.chargeBatch(a), stores.ledger.chargeBatch(b)])
      const all = [...results(ra), ...results(rb)]
      expect(all.filter((r) => r === 'charged')).toHaveLength(11)
      expect(all.filter((r) => r === 'insufficient-funds')).toHaveLength(9)
      const balance = (await stores.accounts.getExact(id))?.balance
      expect(balance).toBe(95 - 110)
      expect(balance).toBeGreaterThanOrEqual(-20)
      const charged = [...a, ...b].filter((_, k) => all[k] === 'charged').map((c) => c.message.messageId)
      expect(await lines(stores, id, clock)).toEqual({ ids: charged.sort(), total: -110 })
    })

    it('a refund and a debit adjustment still move the whole balance', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 0 })
      const id = account.accountId
      await stores.accounts.credit({ accountId: id, entryId: uid('topup'), at: clock.iso(), kind: 'topup', amount: 1_000 })
      const charges = Array.from({ length: 5 }, () => aCharge(clock, aMessage(clock, id, { cost: 100 })))
      expect(results(await stores.ledger.chargeBatch(charges))).toEqual(Array(5).fill('charged'))
      const m = charges[0].message
      const refund = {
        messageId: m.messageId,
        entry: {
          accountId: id,
          entryId: `refund-${m.messageId}`,
          at: clock.iso(1),
          kind: 'refund' as const,
          amount: 100,
          messageId: m.messageId,
        },
        usage: { accountId: id, day: charges[0].usageDay, prefix: '49', status: 'REFUNDED', refunds: 100 },
      }
      expect(await stores.ledger.refundOnce(refund)).toBe('refunded')
      await stores.accounts.credit({ accountId: id, entryId: uid('adj'), at: clock.iso(2), kind: 'adjustment', amount: -50 })
      expect((await stores.accounts.getExact(id))?.balance).toBe(1_000 - 500 + 100 - 50)
      // What is left (550) pays for exactly five more of 100, wherever it sits.
      const more = Array.from({ length: 7 }, () => aCharge(clock, aMessage(clock, id, { cost: 100 })))
      expect(results(await stores.ledger.chargeBatch(more)).filter((r) => r === 'charged')).toHaveLength(5)
      expect((await stores.accounts.get(id))?.balance).toBe(50)
    })
  })
}
