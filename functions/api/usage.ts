import type { UsageRow } from '../../lib/domain/model'

/**
 * Usage report from the per-day counters (UsageStore.query reads a few items per day and prefix, no
 * message scan). The pipeline keeps one counter row per (day, tariff prefix, status):
 * CHARGED counts what was billed (messages, parts, cost), REFUNDED carries refunds, and the final
 * states (DELIVERED, UNDELIVERABLE, ...) count the messages that reached them.
 *
 * Grouped by day, month, prefix or country, a group's messages, parts and cost come from the CHARGED
 * rows only (a delivered message is not billed twice) and its refunds from every row. Grouped by
 * status, each group is that status's raw counters. The totals are the same for every grouping.
 */

export const GroupBys = ['day', 'month', 'prefix', 'country', 'status'] as const
export type GroupBy = (typeof GroupBys)[number]

export interface UsageFigures {
  messages: number
  parts: number
  cost: number // minor units billed
  refunds: number // minor units given back
  net: number // cost - refunds
  /** Issue 17: parts the ESME's UCS2 would have cost minus the parts billed, by national shift tables (CHARGED rows). */
  partsSaved: number
}
export interface UsageGroup extends UsageFigures {
  key: string
}

export const Charged = 'CHARGED'
/** Longest period a report may span, so a day-grouped report stays a bounded number of rows. */
export const MaxReportDays = 366

const zero = (): UsageFigures => ({ messages: 0, parts: 0, cost: 0, refunds: 0, net: 0, partsSaved: 0 })

function add(into: UsageFigures, row: UsageRow, counted: boolean) {
  if (counted) {
    into.messages += row.messages
    into.parts += row.parts
    into.cost += row.cost
    into.partsSaved += row.partsSaved ?? 0
  }
  into.refunds += row.refunds
  into.net = into.cost - into.refunds
}

/** Every day from `from` to `to` inclusive (YYYY-MM-DD, UTC). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = []
  for (
    let t = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`);
    t <= end && days.length <= MaxReportDays;
    t += 86_400_000
  ) {
    days.push(new Date(t).toISOString().slice(0, 10))
  }
  return days
}

const keyOf = (row: UsageRow, by: GroupBy) =>
  by === 'day'
    ? row.day
    : by === 'month'
      ? row.day.slice(0, 7)
      : by === 'prefix'
        ? row.prefix
        : by === 'country'
          ? row.country || 'unknown'
          : row.status

export function groupUsage(
  rows: readonly UsageRow[],
  by: GroupBy,
  from: string,
  to: string,
): { items: UsageGroup[]; totals: UsageFigures } {
  const groups = new Map<string, UsageFigures>()
  // A chart needs the empty days and months too; the other groupings list only what occurred.
  if (by === 'day' || by === 'month') for (const d of daysBetween(from, to)) groups.set(by === 'day' ? d : d.slice(0, 7), zero())
  const totals = zero()
  for (const row of rows) {
    const key = keyOf(row, by)
    const g = groups.get(key) ?? zero()
    add(g, row, by === 'status' || row.status === Charged)
    groups.set(key, g)
    add(totals, row, row.status === Charged)
  }
  const items = [...groups].map(([key, f]) => ({ key, ...f })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return { items, totals }
}
