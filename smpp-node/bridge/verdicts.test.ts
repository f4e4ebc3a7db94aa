import { describe, expect, it } from 'vitest'
import { memoryStores } from '../../lib/adapters/memory'
import type { Log } from '../../lib/ports'
import { CommandId, type Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import { FakeClock } from '../testing/fake-clock'
import { VerdictBook } from './verdicts'

const quiet: Log = { info() {}, warn() {}, error() {} } as unknown as Log
const req: Pdu = { commandId: CommandId.SubmitSm, status: 0, sequence: 7, body: {} } as Pdu

// The book releases a submit's in-flight slot (issue 17) itself, just before its one answer (issue 16: no closure
// per submit wraps the reply). What the peer sees and when the slot frees must not depend on which answer it is.
function book() {
  const clock = new FakeClock()
  const events: string[] = []
  const verdicts = new VerdictBook({
    clock,
    log: quiet,
    metrics: { count: () => {}, verdictLatency: { record: () => {} } },
    ledger: memoryStores().ledger,
    retentionDays: 1,
  })
  const conn = {
    reply: (r: Pdu, status: number, body?: object) => events.push(`reply ${r.sequence} ${status} ${JSON.stringify(body ?? {})}`),
  }
  const wait = (id: string, deadline: number) =>
    verdicts.wait(id, conn, req, clock.now() + deadline, clock.now(), () => events.push(`release ${id}`))
  return { clock, events, verdicts, wait }
}

describe('VerdictBook and the in-flight release', () => {
  it('releases, then answers, once, on the verdict', () => {
    const { events, verdicts, wait } = book()
    wait('M1', 5_000)
    expect(events).toEqual([])
    expect(verdicts.settle('M1', Status.Ok)).toBe(true)
    expect(verdicts.settle('M1', Status.Ok)).toBe(false)
    expect(events).toEqual(['release M1', 'reply 7 0 {"messageId":"M1"}'])
  })

  it('releases, then answers 0x0402, once, at the deadline', async () => {
    const { clock, events, verdicts, wait } = book()
    wait('M2', 1_000)
    await clock.advance(1_000)
    expect(events).toEqual(['release M2', 'reply 7 1026 {}'])
    expect(verdicts.settle('M2', Status.Ok)).toBe(false)
    expect(events).toHaveLength(2)
  })

  it('releases when the job could not be posted (expireNow)', async () => {
    const { clock, events, verdicts, wait } = book()
    wait('M3', 5_000)
    verdicts.expireNow('M3')
    await clock.advance(0)
    expect(events).toEqual(['release M3', 'reply 7 1026 {}'])
  })
})
