import { randomBytes, scryptSync } from 'node:crypto'
import type { Account } from '../../lib/domain/model'

/**
 * The stored form verifyPassword reads (`scrypt$N$r$p$salt$hash`) at a low cost (N=1024), so tests and
 * the bench can bind hundreds of sessions quickly. Production hashes come from hashPassword (N=16384).
 */
export function cheapHash(password: string): string {
  const salt = randomBytes(16)
  const hash = scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 })
  return ['scrypt', 1024, 8, 1, salt.toString('base64'), hash.toString('base64')].join('$')
}

export function testAccount(accountId: string, password: string, patch: Partial<Account> = {}): Account {
  return {
    accountId,
    passwordHash: cheapHash(password),
    enabled: true,
    currency: 'EUR',
    balance: 1_000_000,
    creditLimit: 0,
    speed: 10_000,
    sessionLimit: 10,
    allowList: [],
    duplicateWindowSec: 0,
    refusalMode: 'sync',
    tariffPlan: accountId,
    refundOnFailure: false,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...patch,
  }
}
