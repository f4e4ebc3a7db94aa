/**
 * Failed-bind lockout per source address: after `limit` failed binds (unknown system_id, wrong password,
 * refused by policy) within `lockoutMs`, binds from that address are refused with ESME_RBINDFAIL for
 * `lockoutMs` without the password being checked, so it cannot be guessed at line speed. The table is
 * bounded: the oldest addresses are forgotten first, so a scan from many addresses cannot exhaust memory.
 */
export class BindGuard {
  private readonly failures = new Map<string, { count: number; last: number }>()

  constructor(
    private readonly limit: number,
    private readonly lockoutMs: number,
    private readonly maxTracked = 10_000,
  ) {}

  isLocked(address: string, now: number): boolean {
    const f = this.failures.get(address)
    if (f === undefined) return false
    if (now - f.last >= this.lockoutMs) {
      this.failures.delete(address)
      return false
    }
    return this.limit > 0 && f.count >= this.limit
  }

  fail(address: string, now: number): void {
    const f = this.failures.get(address)
    const count = f !== undefined && now - f.last < this.lockoutMs ? f.count + 1 : 1
    this.failures.delete(address) // re-insert: Map order is then least recently failed first
    this.failures.set(address, { count, last: now })
    if (this.failures.size > this.maxTracked) this.failures.delete(this.failures.keys().next().value as string)
  }

  succeed(address: string): void {
    this.failures.delete(address)
  }
}
