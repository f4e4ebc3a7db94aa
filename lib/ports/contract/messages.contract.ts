import { describe, expect, it } from 'vitest'
import { aCharge, allPages, aMessage, fundedAccount, type MakeStores, TestClock, uid } from './fixtures'

/** MessageStore: state moves once and only forward; lookups by our id, the upstream's id and the account. */
export function messagesContract(name: string, makeStores: MakeStores) {
  describe(`MessageStore (${name})`, () => {
    const setup = async () => {
      const clock = new TestClock()
      const stores = await makeStores({ now: clock.now })
      const account = await fundedAccount(stores, clock, { balance: 10_000 })
      // Message records come into being with their charge.
      const charged = async (overrides = {}) => {
        const message = aMessage(clock, account.accountId, overrides)
        expect(await stores.ledger.chargeOnce(aCharge(clock, message))).toEqual({ result: 'charged' })
        return message
      }
      return { clock, stores, account, charged }
    }

    // Issue 12 (cost): a refusal, a deadline's 0x0402 and an adoption are kept on the message key itself
    // (lib/adapters/dynamo/decision-item.ts); no reader and no conditional write may take one for a message.
    it('sees no message on a key that holds only a decision, and leaves that decision as it was', async () => {
      const { stores, clock, account } = await setup()
      const decisions = [
        { messageId: uid('refused'), status: 0x0403, decidedAt: clock.iso() },
        { messageId: uid('late'), status: 0x0402, decidedAt: clock.iso() },
        { messageId: uid('adopted'), status: 0, decidedAt: clock.iso(), adoptedId: uid('first') },
      ]
      for (const d of decisions) expect(await stores.ledger.decide(d, clock.sec() + 60)).toEqual({ result: 'recorded' })
      for (const { messageId } of decisions) {
        expect(await stores.messages.get(messageId)).toBeUndefined()
        expect(await stores.messages.transition(messageId, ['ACCEPTED', 'ENROUTE'], 'DELIVERED', { doneAt: clock.iso() })).toBeUndefined()
        expect(await stores.messages.amend(messageId, { text: 'x' }, { states: ['ACCEPTED', 'SCHEDULED'] })).toBeUndefined()
        await stores.messages.setUpstream(messageId, 'sim', `up-${messageId}`)
        expect(await stores.messages.byUpstreamId('sim', `up-${messageId}`)).toBeUndefined()
      }
      const listed = await stores.messages.listByAccount(account.accountId, clock.iso(-60_000), clock.iso(60_000), 100)
      const due = await stores.messages.due(clock.iso(60_000), 1000)
      for (const m of [...listed.items, ...due]) expect(decisions.map((d) => d.messageId)).not.toContain(m.messageId)
      expect(await stores.ledger.decisions(decisions.map((d) => d.messageId))).toEqual(new Map(decisions.map((d) => [d.messageId, d])))
    })

    // Issue 12: dispatch's once-only lease lives on the record (lib/domain/dispatch.ts), not in a guard item.
    it('leases an ACCEPTED record to one dispatch attempt at a time, until it expires or a later attempt takes it', async () => {
      const { stores, charged, clock, account } = await setup()
      const m = await charged()
      const now = clock.sec()
      const taken = await stores.messages.leaseDispatch(m.messageId, 0, now + 60, now)
      expect(taken).toEqual({ outcome: 'taken', record: m }) // the record, without the lease's bookkeeping
      expect(await stores.messages.leaseDispatch(m.messageId, 0, now + 60, now)).toEqual({ outcome: 'held' })
      expect(await stores.messages.get(m.messageId)).toEqual(m)
      expect((await stores.messages.leaseDispatch(m.messageId, 0, now + 200, now + 61)).outcome).toBe('taken') // lapsed
      expect((await stores.messages.leaseDispatch(m.messageId, 1, now + 200, now + 62)).outcome).toBe('taken') // failover
      expect(await stores.messages.leaseDispatch(m.messageId, 0, now + 200, now + 63)).toEqual({ outcome: 'held' })
      await stores.messages.releaseDispatch(m.messageId, 0) // not attempt 0's any more: left alone
      expect(await stores.messages.leaseDispatch(m.messageId, 1, now + 200, now + 64)).toEqual({ outcome: 'held' })
      await stores.messages.releaseDispatch(m.messageId, 1)
      expect((await stores.messages.leaseDispatch(m.messageId, 0, now + 200, now + 65)).outcome).toBe('taken')
      // Not ACCEPTED: refused with the record (an UNDELIVERABLE one is settled by the caller); no record, none.
      const gone = await stores.messages.transition(m.messageId, ['ACCEPTED'], 'DELETED')
      expect(await stores.messages.leaseDispatch(m.messageId, 2, now + 200, now + 66)).toEqual({ outcome: 'not-accepted', record: gone })
      const refused = { messageId: uid('refused'), status: 0x0403, decidedAt: clock.iso() }
      expect(await stores.ledger.decide(refused, now + 60)).toEqual({ result: 'recorded' })
      for (const id of [refused.messageId, uid('none')])
        expect(await stores.messages.leaseDispatch(id, 0, now + 60, now)).toEqual({ outcome: 'not-accepted' })
      expect(await stores.messages.get(uid('none'))).toBeUndefined()
      expect((await stores.messages.listByAccount(account.accountId, clock.iso(-60_000), clock.iso(60_000), 100)).items).toHaveLength(1)
    })

    it('keeps the upstream ids on the record without an index key when asked (a carrier echoing our id, issue 12)', async () => {
      const { stores, charged } = await setup()
      const m = await charged()
      const patch = { upstreamId: 'sim', upstreamMessageId: uid('u') }
      const moved = await stores.messages.transition(m.messageId, ['ACCEPTED'], 'ENROUTE', patch, { indexUpstream: false })
      expect(moved).toEqual({ ...m, state: 'ENROUTE', ...patch })
      expect(await stores.messages.byUpstreamId('sim', patch.upstreamMessageId)).toBeUndefined()
      await stores.messages.setUpstream(m.messageId, 'sim', patch.upstreamMessageId) // an explicit setUpstream indexes it
      expect((await stores.messages.byUpstreamId('sim', patch.upstreamMessageId))?.messageId).toBe(m.messageId)
    })

    it('applies a transition once: a duplicate receipt changes nothing', async () => {
      const { stores, charged, clock } = await setup()
      const m = await charged()
      const enroute = await stores.messages.transition(m.messageId, ['ACCEPTED'], 'ENROUTE', { upstreamId: 'sim', upstreamMessageId: 'u1' })
      expect(enroute).toEqual({ ...m, state: 'ENROUTE', upstreamId: 'sim', upstreamMessageId: 'u1' })
      expect(await stores.messages.transition(m.messageId, ['ACCEPTED'], 'ENROUTE')).toBeUndefined()
      const done = await stores.messages.transition(m.messageId, ['ACCEPTED', 'ENROUTE'], 'DELIVERED', {
        doneAt: clock.iso(5),
        errorCode: 0,
      })
      expect(done).toMatchObject({ state: 'DELIVERED', doneAt: clock.iso(5) })
      expect(await stores.messages.get(m.messageId)).toEqual(done)
    })

    it('ignores an out-of-order transition from a state the message has left', async () => {
      const { stores, charged } = await setup()
      const m = await charged()
      await stores.messages.transition(m.messageId, ['ACCEPTED', 'ENROUTE'], 'UNDELIVERABLE', { errorCode: 0x0b })
      // The ENROUTE receipt arrives late: it must not move the message back.
      expect(await stores.messages.transition(m.messageId, ['ACCEPTED'], 'ENROUTE')).toBeUndefined()
      expect(await stores.messages.get(m.messageId)).toMatchObject({ state: 'UNDELIVERABLE', errorCode: 0x0b })
      expect(await stores.messages.transition(uid('missing'), ['ACCEPTED'], 'ENROUTE')).toBeUndefined()
      expect(await stores.messages.transition(m.messageId, [], 'DELIVERED')).toBeUndefined()
    })

    it("finds a message by the upstream's id", async () => {
      const { stores, charged } = await setup()
      const [a, b] = [await charged(), await charged()]
      const upstreamId = uid('carrier')
      await stores.messages.setUpstream(a.messageId, upstreamId, 'A-1')
      await stores.messages.transition(b.messageId, ['ACCEPTED'], 'ENROUTE', { upstreamId, upstreamMessageId: 'B-1' })
      expect(await stores.messages.byUpstreamId(upstreamId, 'A-1')).toEqual({ ...a, upstreamId, upstreamMessageId: 'A-1' })
      expect((await stores.messages.byUpstreamId(upstreamId, 'B-1'))?.messageId).toBe(b.messageId)
      expect(await stores.messages.byUpstreamId(upstreamId, 'C-1')).toBeUndefined()
      await stores.messages.setUpstream(uid('missing'), upstreamId, 'D-1')
      expect(await stores.messages.byUpstreamId(upstreamId, 'D-1')).toBeUndefined()
    })

    it("lists an account's messages in a time range, oldest first, page by page", async () => {
      const { stores, charged, clock, account } = await setup()
      const made = []
      for (let i = 0; i < 5; i++) made.push(await charged({ createdAt: clock.iso(i * 1000) }))
      const pages = await allPages((c) => stores.messages.listByAccount(account.accountId, clock.iso(1000), clock.iso(3000), 2, c), 2)
      expect(pages.flat().map((m) => m.messageId)).toEqual(made.slice(1, 4).map((m) => m.messageId))
      expect(pages.flat()[0]).toEqual(made[1])
    })

    // Issue 14: the due-time sweep's index (byDue), kept with the record itself.
    it('finds the records whose dueAt has come, and not the others', async () => {
      const { stores, charged, clock } = await setup()
      const due = await charged({ state: 'SCHEDULED', scheduledAt: clock.iso(-1000), dueAt: clock.iso(-1000) })
      const later = await charged({ state: 'SCHEDULED', scheduledAt: clock.iso(60_000), dueAt: clock.iso(60_000) })
      const none = await charged()
      const ids = (list: { messageId: string }[]) =>
        list.map((m) => m.messageId).filter((id) => [due, later, none].some((x) => x.messageId === id))
      expect(ids(await stores.messages.due(clock.iso(), 100))).toEqual([due.messageId])
      expect(await stores.messages.due(clock.iso(), 100)).toContainEqual(due)
      expect(ids(await stores.messages.due(clock.iso(60_000), 100)).sort()).toEqual([due.messageId, later.messageId].sort())
    })

    it('takes a record out of the due index at a final state, unless the move keeps a dueAt', async () => {
      const { stores, charged, clock } = await setup()
      const a = await charged({ dueAt: clock.iso(-1) })
      const b = await charged({ dueAt: clock.iso(-1) })
      await stores.messages.transition(a.messageId, ['ACCEPTED'], 'DELIVERED', { doneAt: clock.iso() })
      const kept = await stores.messages.transition(b.messageId, ['ACCEPTED'], 'DELETED', { doneAt: clock.iso(), dueAt: clock.iso() })
      expect(kept).toMatchObject({ state: 'DELETED', dueAt: clock.iso() })
      expect((await stores.messages.get(a.messageId))?.dueAt).toBeUndefined()
      const found = (await stores.messages.due(clock.iso(), 100)).map((m) => m.messageId)
      expect(found).toContain(b.messageId)
      expect(found).not.toContain(a.messageId)
    })

    it('amends fields only while state, replace count and cost match, and removes those given as undefined', async () => {
      const { stores, charged, clock } = await setup()
      const m = await charged({ state: 'SCHEDULED', scheduledAt: clock.iso(60_000), dueAt: clock.iso(60_000), cost: 10 })
      const patch = { text: 'new', cost: 15, adjust: { cost: 5, parts: 1 }, replaced: 1, dueAt: clock.iso() }
      expect(await stores.messages.amend(m.messageId, patch, { states: ['ACCEPTED'] })).toBeUndefined()
      expect(await stores.messages.amend(m.messageId, patch, { states: ['SCHEDULED'], replaced: 0, cost: 11 })).toBeUndefined()
      const done = await stores.messages.amend(m.messageId, patch, { states: ['SCHEDULED'], replaced: 0, cost: 10 })
      expect(done).toEqual({ ...m, ...patch })
      // A second replace that read the record before the first lost the race: its condition fails.
      expect(await stores.messages.amend(m.messageId, { cost: 20 }, { states: ['SCHEDULED'], replaced: 0 })).toBeUndefined()
      const cleared = await stores.messages.amend(
        m.messageId,
        { adjust: undefined, dueAt: undefined },
        { states: ['SCHEDULED'], replaced: 1 },
      )
      const { adjust: _a, dueAt: _d, ...rest } = done!
      expect(cleared).toEqual(rest)
      expect((await stores.messages.due(clock.iso(), 100)).map((x) => x.messageId)).not.toContain(m.messageId)
      expect(await stores.messages.amend(uid('missing'), { cost: 1 }, { states: ['SCHEDULED'] })).toBeUndefined()
    })
  })
}
