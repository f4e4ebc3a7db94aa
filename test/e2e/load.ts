import { expect } from 'vitest'
import type { Esme } from './esme'
import { isReceiptOf } from './esme'
import { ledgerOf } from './fixtures'
import type { Stack } from './stack'

/** A bounded load: `count` submit_sm with at most `window` outstanding, each answered or failed. */
export interface Outcome {
  index: number
  status?: number
  messageId?: string
  /** ms from request to resp, or to the failure */
  ms: number
  error?: string
}

export interface LoadOptions {
  count: number
  window?: number
  /** Called after each answer, with every outcome so far; may act on the system (kill a part). */
  onAnswer?: (outcomes: Outcome[]) => void
  fields?: (i: number) => Record<string, unknown>
  /** Pause between requests, to spread the load over a fault. */
  paceMs?: number
  callTimeoutMs?: number
}

/** Sends the load on one session and resolves when every request has an outcome; stops early once the session dies. */
export async function submitLoad(esme: Esme, o: LoadOptions, first = 0): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  let next = first
  let dead = false
  const worker = async () => {
    while (!dead && next < first + o.count) {
      const index = next++
      const started = Date.now()
      try {
        const resp = await esme.call(
          'submit_sm',
          {
            source_addr: 'LOAD',
            destination_addr: `44770090${String(index).padStart(4, '0')}`,
            short_message: `load ${index}`,
            registered_delivery: 1,
            ...o.fields?.(index),
          },
          o.callTimeoutMs,
        )
        outcomes.push({ index, status: resp.command_status, messageId: resp.message_id || undefined, ms: Date.now() - started })
      } catch (err) {
        outcomes.push({ index, ms: Date.now() - started, error: String(err) })
        if (/closed|not writable/.test(String(err))) dead = true
      }
      o.onAnswer?.(outcomes)
      if (o.paceMs) await new Promise((r) => setTimeout(r, o.paceMs))
    }
  }
  await Promise.all(Array.from({ length: o.window ?? 8 }, worker))
  return outcomes.sort((a, b) => a.index - b.index)
}

export const acceptedIds = (outcomes: Outcome[]) => outcomes.filter((x) => x.status === 0 && x.messageId).map((x) => x.messageId!)

/** Charges per message id in the account's ledger: a batch charge line counts for each message it lists. */
export async function chargesByMessage(stack: Stack, accountId: string): Promise<Map<string, number>> {
  const charges = new Map<string, number>()
  for (const e of await ledgerOf(stack, accountId)) {
    if (e.kind !== 'charge') continue
    for (const id of e.messageIds ?? (e.messageId ? [e.messageId] : [])) charges.set(id, (charges.get(id) ?? 0) + 1)
  }
  return charges
}

/** Every accepted message charged exactly once, and no message charged twice. */
export async function expectChargedOnce(stack: Stack, accountId: string, accepted: string[]) {
  const charges = await chargesByMessage(stack, accountId)
  expect(accepted.filter((id) => charges.get(id) !== 1)).toEqual([])
  expect([...charges].filter(([, n]) => n > 1)).toEqual([])
  return charges
}

/** Waits until each id has a receipt on one of the sessions; returns how many receipts each got. */
export async function receiptsFor(sessions: Esme[], ids: string[], ms = 60_000): Promise<Map<string, number>> {
  await Promise.all(ids.map((id) => Promise.any(sessions.map((s) => s.deliverSm(isReceiptOf(id), ms)))))
  const counts = new Map<string, number>()
  for (const s of sessions) for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + s.delivered.filter(isReceiptOf(id)).length)
  return counts
}
