import { createHash, randomBytes } from 'node:crypto'
import type { ReferenceStore } from '../../lib/ports/reference'

/**
 * Mints an admin API key: 32 random bytes, base64url, prefixed `smpp_` so a leaked one is easy to grep for. Only
 * its sha256 is stored (the same hash functions/api/auth.ts looks up); the key itself is returned once, to print.
 */
export async function mintAdminKey(reference: ReferenceStore, o: { name: string; now: Date }): Promise<string> {
  const key = `smpp_${randomBytes(32).toString('base64url')}`
  const keyHash = createHash('sha256').update(key, 'utf8').digest('hex')
  await reference.putApiKey({ keyHash, role: 'admin', name: o.name, createdAt: o.now.toISOString() })
  return key
}
