import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * Account passwords, stored as `scrypt$N$r$p$<salt base64>$<hash base64>` and compared in constant time.
 *
 * SMPP 3.4 section 5.2 (bind_transmitter / bind_receiver / bind_transceiver `password`): a C-Octet
 * String of at most 9 octets including the NUL, so a usable password has 1 to 8 characters. A longer
 * one could never be sent in a bind, so hashing refuses it rather than store a credential nobody can use.
 *
 * Cost: N=16384, r=8, p=1 (16 MiB, about 20-40 ms on one core). Every bind runs one verification on
 * the node's event loop thread pool, so the cost stays well under ~50 ms per bind; the bind limits
 * (lib/domain/bind-limits.ts, docs/SECURITY.md) bound online guessing, which this cost only slows, and
 * the node's HashPool bounds how many verifications unauthenticated peers can queue.
 */

export const MaxPasswordLength = 8

const Params = { N: 16_384, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const
// A stored hash is data: refuse parameters that would let a corrupt or hostile record burn memory or CPU.
const MaxN = 1 << 20

const derive = (password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number) =>
  new Promise<Buffer>((resolve, reject) => {
    scrypt(password, salt, keyLength, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)))
  })

export async function hashPassword(password: string): Promise<string> {
  if (password.length < 1 || password.length > MaxPasswordLength) {
    throw new RangeError(`an SMPP password has 1 to ${MaxPasswordLength} characters`)
  }
  const salt = randomBytes(Params.saltLength)
  const hash = await derive(password, salt, Params.N, Params.r, Params.p, Params.keyLength)
  return ['scrypt', Params.N, Params.r, Params.p, salt.toString('base64'), hash.toString('base64')].join('$')
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number)
  const ok = (n: number, max: number) => Number.isInteger(n) && n >= 1 && n <= max
  if (!ok(N, MaxN) || (N & (N - 1)) !== 0 || !ok(r, 32) || !ok(p, 16)) return false
  const salt = Buffer.from(parts[4], 'base64')
  const expected = Buffer.from(parts[5], 'base64')
  if (salt.length === 0 || expected.length < 16 || expected.length > 64) return false
  // Derive even for an over-long password, so the answer takes as long as a normal mismatch.
  const actual = await derive(password, salt, N, r, p, expected.length)
  return timingSafeEqual(actual, expected) && password.length <= MaxPasswordLength
}
