import { describe, expect, it } from 'vitest'
import { aCharge, allPages, aMessage, fundedAccount, type MakeStores, TestClock, uid } from './fixtures'

/** Ledger: charge, decide and refund exactly once, with the balance, message, usage and ledger moving together. */
export function ledgerContract(name: string, makeStores: MakeStores) {
  describe(`Ledger (${name})`, () => {
    const setup = async () => {
      const clock = new TestClock()
      return { clock, stores: await makeStores({ now: clock.now }) }
    }

    it('charges the same message once, however often it is redelivered', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 100 })
      const charge = aCharge(clock, aMessage(clock, account.accountId, { cost: 10 }))
      expect(await stores.ledger.chargeOnce(charge)).toEqual({ result: 'charged' })
      const again = await stores.ledger.chargeOnce(charge)
      expect(again).toEqual({
        result: 'already-decided',
        decision: { messageId: charge.message.messageId, status: 0, decidedAt: charge.entry.at },
      })
      expect((await stores.accounts.get(account.accountId))?.balance).toBe(90)
      expect(await stores.messages.get(charge.message.messageId)).toEqual(charge.message)
      expect(await stores.usage.query(account.accountId, charge.usageDay, charge.usageDay)).toEqual([
        {
          accountId: account.accountId,
          day: charge.usageDay,
          prefix: '49',
          country: 'DE',
          status: 'CHARGED',
          messages: 1,
          parts: 2,
          cost: 10,
          refunds: 0,
        },
      ])
      const entries = await stores.ledger.entries(account.accountId, clock.iso(-1000), clock.iso(1000), 10)
      expect(entries.items).toEqual([charge.entry])
      expect(await stores.ledger.decision(charge.message.messageId)).toMatchObject({ status: 0 })
    })

    it('lets exactly one of two concurrent charges take the last of the balance', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 10 })
      const [a, b] = [aMessage(clock, account.accountId, { cost: 10 }), aMessage(clock, account.accountId, { cost: 10 })]
      const results = await Promise.all([stores.ledger.chargeOnce(aCharge(clock, a)), stores.ledger.chargeOnce(aCharge(clock, b))])
      expect(results.map((r) => r.result).sort()).toEqual(['charged', 'insufficient-funds'])
      expect((await stores.accounts.get(account.accountId))?.balance).toBe(0)
      const stored = await Promise.all([stores.messages.get(a.messageId), stores.messages.get(b.messageId)])
      expect(stored.filter(Boolean)).toHaveLength(1)
    })

    it('never overdraws when many charges race: exactly as many as the balance pays for', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 30 })
      const charges = Array.from({ length: 6 }, () => aCharge(clock, aMessage(clock, account.accountId, { cost: 10 })))
      const results = await Promise.all(charges.map((c) => stores.ledger.chargeOnce(c)))
      expect(results.filter((r) => r.result === 'charged')).toHaveLength(3)
      expect(results.filter((r) => r.result === 'insufficient-funds')).toHaveLength(3)
      expect((await stores.accounts.get(account.accountId))?.balance).toBe(0)
      const entries = await stores.ledger.entries(account.accountId, clock.iso(-1000), clock.iso(1000), 10)
      expect(entries.items.reduce((sum, e) => sum + e.amount, 0)).toBe(-30)
    })

    it('charges the same message once when two workers race on it', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 100 })
      const charge = aCharge(clock, aMessage(clock, account.accountId, { cost: 10 }))
      const results = await Promise.all([stores.ledger.chargeOnce(charge), stores.ledger.chargeOnce(charge)])
      expect(results.map((r) => r.result).sort()).toEqual(['already-decided', 'charged'])
      expect((await stores.accounts.get(account.accountId))?.balance).toBe(90)
    })

    it('lets the balance go below zero down to the credit limit, and no further', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 3, creditLimit: 7 })
      expect(await stores.ledger.chargeOnce(aCharge(clock, aMessage(clock, account.accountId, { cost: 10 })))).toEqual({
        result: 'charged',
      })
      const refused = aMessage(clock, account.accountId, { cost: 1, parts: 1, price: 1 })
      expect(await stores.ledger.chargeOnce(aCharge(clock, refused))).toEqual({ result: 'insufficient-funds' })
      expect((await stores.accounts.get(account.accountId))?.balance).toBe(-7)
      expect(await stores.messages.get(refused.messageId)).toBeUndefined()
      expect(await stores.ledger.decision(refused.messageId)).toBeUndefined()
      // Raising the limit makes room again.
      await stores.accounts.update(account.accountId, { creditLimit: 8 })
      expect(await stores.ledger.chargeOnce(aCharge(clock, refused))).toEqual({ result: 'charged' })
      expect((await stores.accounts.get(account.accountId))?.balance).toBe(-8)
    })

    it('refuses a charge for an unknown account as insufficient funds', async () => {
      const { clock, stores } = await setup()
      expect(await stores.ledger.chargeOnce(aCharge(clock, aMessage(clock, uid('nobody'))))).toEqual({ result: 'insufficient-funds' })
    })

    it('blocks the same fingerprint within the duplicate window and allows it after expiry', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 100 })
      const key = `DUP#${account.accountId}#491701234567#${uid('sha')}`
      const first = aCharge(clock, aMessage(clock, account.accountId), { key, expiresAt: clock.sec() + 5 })
      expect(await stores.ledger.chargeOnce(first)).toEqual({ result: 'charged' })
      clock.advance(4_000)
      const second = aCharge(clock, aMessage(clock, account.accountId), { key, expiresAt: clock.sec() + 5 })
      expect(await stores.ledger.chargeOnce(second)).toEqual({ result: 'duplicate' })
      expect(await stores.messages.get(second.message.messageId)).toBeUndefined()
      expect((await stores.accounts.get(account.accountId))?.balance).toBe(90)
      clock.advance(2_000) // past the first fingerprint's expiresAt
      const third = aCharge(clock, aMessage(clock, account.accountId), { key, expiresAt: clock.sec() + 5 })
      expect(await stores.ledger.chargeOnce(third)).toEqual({ result: 'charged' })
      expect((await stores.accounts.get(account.accountId))?.balance).toBe(80)
    })

    it('refunds a message once, restoring the balance and counting the refund', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 100 })
      const charge = aCharge(clock, aMessage(clock, account.accountId, { cost: 10 }))
      await stores.ledger.chargeOnce(charge)
      const day = charge.usageDay
      const refund = {
        messageId: charge.message.messageId,
        entry: {
          accountId: account.accountId,
          entryId: `refund-${charge.message.messageId}`,
          at: clock.iso(1),
          kind: 'refund' as const,
          amount: 10,
        },
        usage: { accountId: account.accountId, day, prefix: '49', country: 'DE', status: 'REFUNDED', refunds: 10 },
      }
      expect(await stores.ledger.refundOnce(refund)).toBe('refunded')
      expect(await stores.ledger.refundOnce(refund)).toBe('already-refunded')
      expect((await stores.accounts.get(account.accountId))?.balance).toBe(100)
      expect((await stores.messages.get(charge.message.messageId))?.refunded).toBe(true)
      const rows = await stores.usage.query(account.accountId, day, day)
      expect(rows.find((r) => r.status === 'REFUNDED')).toEqual({ ...refund.usage, messages: 0, parts: 0, cost: 0 })
      const entries = await stores.ledger.entries(account.accountId, clock.iso(-1000), clock.iso(1000), 10)
      expect(entries.items.map((e) => e.amount)).toEqual([-10, 10])
    })

    it('keeps the first decision: a later verdict or charge gets the one recorded', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 100 })
      const message = aMessage(clock, account.accountId)
      const deadline = { messageId: message.messageId, status: 0x0402, decidedAt: clock.iso() }
      expect(await stores.ledger.decide(deadline, clock.sec() + 60)).toEqual({ result: 'recorded' })
      expect(await stores.ledger.decide({ ...deadline, status: 0x0404 }, clock.sec() + 60)).toEqual({
        result: 'already-decided',
        decision: deadline,
      })
      expect(await stores.ledger.chargeOnce(aCharge(clock, message))).toEqual({ result: 'already-decided', decision: deadline })
      expect((await stores.accounts.get(account.accountId))?.balance).toBe(100)
      expect(await stores.messages.get(message.messageId)).toBeUndefined()
      expect(await stores.ledger.decision(message.messageId)).toEqual(deadline)
    })

    it('refunds no message on a key that holds only a refusal, and moves no money (issue 12: the decision on the message key)', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 100 })
      const messageId = uid('refused')
      await stores.ledger.decide({ messageId, status: 0x0433, decidedAt: clock.iso() }, clock.sec() + 60)
      const entry = { accountId: account.accountId, entryId: `refund-${messageId}`, at: clock.iso(1), kind: 'refund' as const, amount: 10 }
      const usage = { accountId: account.accountId, day: clock.iso().slice(0, 10), prefix: '49', status: 'REFUNDED', refunds: 10 }
      await expect(stores.ledger.refundOnce({ messageId, entry, usage })).rejects.toThrow()
      expect((await stores.accounts.get(account.accountId))?.balance).toBe(100)
      expect(await stores.messages.get(messageId)).toBeUndefined()
      expect(await stores.ledger.decision(messageId)).toMatchObject({ status: 0x0433 })
    })

    it('returns ledger entries of a time range, oldest first, page by page', async () => {
      const { clock, stores } = await setup()
      const account = await fundedAccount(stores, clock, { balance: 0 })
      const ats = [0, 1, 2, 3, 4].map((i) => clock.iso(i * 60_000))
      for (const [i, at] of ats.entries()) {
        await stores.accounts.credit({ accountId: account.accountId, entryId: `e${i}`, at, kind: 'topup', amount: 100 + i })
      }
      const pages = await allPages((c) => stores.ledger.entries(account.accountId, ats[1], ats[3], 2, c), 2)
      expect(pages.flat().map((e) => e.amount)).toEqual([101, 102, 103])
      const day = ats[0].slice(0, 10)
      expect((await stores.ledger.entries(account.accountId, day, day, 10)).items.length).toBeGreaterThan(0)
    })
  })
}
