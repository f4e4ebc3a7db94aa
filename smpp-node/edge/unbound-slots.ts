/**
 * Connections per source address that have not bound yet (issue 13, item 6). Each holds a socket, a
 * 10 s bind timer and possibly a password hash, for a peer that has proved nothing; past `perAddress`
 * the node closes new ones from that address at once. A bound session gives its slot back (bound
 * sessions are limited per account instead).
 */
export class UnboundSlots {
  private readonly byAddress = new Map<string, number>()
  private readonly holders = new WeakMap<object, string>()

  constructor(private readonly perAddress: number) {}

  take(holder: object, address: string): boolean {
    const n = this.byAddress.get(address) ?? 0
    if (this.perAddress > 0 && n >= this.perAddress) return false
    this.byAddress.set(address, n + 1)
    this.holders.set(holder, address)
    return true
  }

  /** Idempotent: called on bind and again on close. */
  release(holder: object): void {
    const address = this.holders.get(holder)
    if (address === undefined) return
    this.holders.delete(holder)
    const n = (this.byAddress.get(address) ?? 1) - 1
    if (n <= 0) this.byAddress.delete(address)
    else this.byAddress.set(address, n)
  }
}
