import { type ThrottleLimits, type Window, windowStart, windowsOf } from '../../lib/domain/throttle-limits'
import type { Quotas } from '../../lib/ports'

interface Grant {
  start: number
  left: number
  /** The shared window had nothing left: refused here until the window ends, without asking DynamoDB per submit. */
  spent?: boolean
  pending?: Promise<void>
}

type Limited = { accountId: string; throttle?: ThrottleLimits }

/**
 * Parts per minute, hour and day per account, across every node (issue 17): each window's count lives in DynamoDB
 * (Quotas, one item per account and window), and a node takes a block of it at a time and spends it locally, as
 * online charging grants credit: one conditional write per block, never one per submit (docs/DESIGN.md rule 5).
 * The next block is asked for when half of this one is spent, so a submit waits only when the node's grant ran dry.
 * A block is at most a twentieth of the node's share of the limit and ten seconds of its speed, so an idle node
 * strands little; what it holds when the account's last session here goes is given back. What a node holds when it
 * dies counts as spent until the window ends: the limit is never passed, it can be under-used by those blocks.
 */
export class WindowGrants {
  private readonly grants = new Map<string, Grant>()

  constructor(private readonly quotas: Pick<Quotas, 'take' | 'giveBack'>) {}

  /**
   * Takes `parts` from every window of the account: true, false (a window is spent: ESME_RTHROTTLED), or a promise of
   * either while a block is fetched. `share` is this node's part of the account (0-1], `rate` its parts per second here.
   */
  take(account: Limited, parts: number, nowMs: number, share: number, rate: number): boolean | Promise<boolean> {
    const windows = windowsOf(account.throttle)
    if (windows.length === 0) return true
    const grants = windows.map((w) => this.grantOf(account.accountId, w, nowMs))
    const short = windows.filter((_, i) => grants[i].left < parts)
    if (short.some((w) => grants[windows.indexOf(w)].spent)) return false
    if (short.length === 0) return this.spend(account.accountId, windows, grants, parts, nowMs, share, rate)
    return Promise.all(short.map((w) => this.refill(account.accountId, w, nowMs, share, rate, parts))).then(() => {
      const now = windows.map((w) => this.grantOf(account.accountId, w, nowMs))
      return now.every((g) => g.left >= parts) && this.spend(account.accountId, windows, now, parts, nowMs, share, rate)
    })
  }

  /** Gives back what this node holds of the account's live windows (its last submitting session here went). */
  forget(accountId: string, nowMs: number): Promise<void> {
    const backs: Promise<void>[] = []
    for (const [key, g] of this.grants) {
      if (!key.startsWith(`${accountId}#`)) continue
      this.grants.delete(key)
      if (g.left > 0) backs.push(this.quotas.giveBack(`${key}#${g.start}`, g.left, nowMs))
    }
    return Promise.all(backs).then(() => undefined)
  }

  private spend(accountId: string, windows: Window[], grants: Grant[], parts: number, nowMs: number, share: number, rate: number): true {
    windows.forEach((w, i) => {
      grants[i].left -= parts
      if (grants[i].left < blockOf(w, share, rate, parts) / 2) this.refill(accountId, w, nowMs, share, rate, parts).catch(() => {})
    })
    return true
  }

  private grantOf(accountId: string, w: Window, nowMs: number): Grant {
    const key = `${accountId}#${w.name}`
    const start = windowStart(w, nowMs)
    let g = this.grants.get(key)
    if (!g || g.start !== start) this.grants.set(key, (g = { start, left: 0 })) // a new window: the old grant died with it
    return g
  }

  private refill(accountId: string, w: Window, nowMs: number, share: number, rate: number, parts: number): Promise<void> {
    const g = this.grantOf(accountId, w, nowMs)
    g.pending ??= this.quotas
      .take(`${accountId}#${w.name}#${g.start}`, Math.max(parts, blockOf(w, share, rate, parts)), w.limit, g.start + w.ms, nowMs)
      .then((granted) => {
        g.left += granted
        if (granted === 0) g.spent = true
      })
      .finally(() => {
        g.pending = undefined
      })
    return g.pending
  }
}

/** The block a node asks for: a twentieth of its share of the window, at most ten seconds of its speed, at least one submit. */
export const blockOf = (w: Window, share: number, rate: number, parts: number): number =>
  Math.max(parts, 1, Math.min(Math.ceil((w.limit * Math.min(1, Math.max(share, 0.01))) / 20), Math.ceil(rate * 10)))
