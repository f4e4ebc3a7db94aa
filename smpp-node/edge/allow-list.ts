import { BlockList, isIP } from 'node:net'

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is the IPv4 address 10.0.0.1. */
export const normalizeAddress = (address: string): string =>
  address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address

/**
 * True when the address matches one entry of the account's allow-list (CIDRs like `10.0.0.0/8` or single
 * addresses, IPv4 or IPv6). An empty list allows any address. Malformed entries match nothing, so a
 * typo in an operator's list closes the account rather than opening it.
 */
export function isAllowed(allowList: readonly string[], address: string): boolean {
  if (allowList.length === 0) return true
  const addr = normalizeAddress(address)
  const family = isIP(addr)
  if (family === 0) return false
  const list = new BlockList()
  for (const entry of allowList) {
    const [base, bits] = entry.trim().split('/')
    const v = isIP(base)
    if (v === 0) continue
    const type = v === 4 ? 'ipv4' : 'ipv6'
    if (bits === undefined) list.addAddress(base, type)
    else if (/^\d+$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128)) list.addSubnet(base, Number(bits), type)
  }
  return list.check(addr, family === 4 ? 'ipv4' : 'ipv6')
}
