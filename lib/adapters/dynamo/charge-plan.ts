import type { UsageRow } from '../../domain/model'
import type { Charge, ChargeResult } from '../../ports'

/** How a batch of charges is cut into transactions (charge-batch.ts): pure, no SDK call. */
const MaxItems = 100 // TransactWriteItems' limit

/** This round's transactions: the undecided charges with distinct ids and fingerprints, at most 100 items each. */
export function groups(charges: Charge[], results: (ChargeResult | undefined)[], shards: number): number[][] {
  const seen = new Set<string>()
  const out: number[][] = []
  let group: number[] = []
  let usage = new Set<string>()
  let items = shards + 1 // the shard draws and the ledger line
  charges.forEach((c, i) => {
    const keys = [c.message.messageId, ...(c.duplicate ? [c.duplicate.key] : [])]
    if (results[i] || keys.some((k) => seen.has(k))) return
    for (const k of keys) seen.add(k)
    const u = `${c.usageDay}#${c.message.tariffPrefix}`
    const own = c.duplicate ? 2 : 1 // the record (its own decision guard) and the fingerprint
    if (items + own + (usage.has(u) ? 0 : 1) > MaxItems) {
      out.push(group)
      ;[group, usage, items] = [[], new Set(), shards + 1]
    }
    items += own + (usage.has(u) ? 0 : 1)
    group.push(i)
    usage.add(u)
  })
  if (group.length > 0) out.push(group)
  return out
}

/** CHARGED counters summed per day and tariff prefix. */
export function usageRows(charges: Charge[]) {
  const rows = new Map<string, UsageRow>()
  for (const { message: m, usageDay: day } of charges) {
    const key = `${day}#${m.tariffPrefix}`
    const row = rows.get(key) ?? {
      accountId: m.accountId,
      day,
      prefix: m.tariffPrefix,
      country: m.country,
      status: 'CHARGED',
      messages: 0,
      parts: 0,
      cost: 0,
      refunds: 0,
    }
    row.messages += 1
    row.parts += m.parts
    row.cost += m.cost
    if (m.partsSaved) row.partsSaved = (row.partsSaved ?? 0) + m.partsSaved // issue 17: summed in the same counter write
    rows.set(key, row)
  }
  return rows.values()
}
