import { createHash, randomBytes } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { ReferenceStore } from '../../lib/ports'
import type { ApiEnv } from './context'
import { ApiError } from './errors'

/** Keys are stored only as their sha256 (ReferenceStore.apiKey): a leaked table gives no usable key. */
export const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex')

/** 192 random bits; shown to the operator once, at creation. */
export const newKey = () => `sk_${randomBytes(24).toString('base64url')}`

/**
 * Who may call a route: `admin`, `finance`, `own` (the account role, on its own account: the route's
 * `{id}` path parameter), `carrier` (the upstream role, on its own upstream: the `{upstreamId}` path
 * parameter), or `any` valid key.
 */
export type Access = 'admin' | 'finance' | 'own' | 'carrier' | 'any'

export const describeAccess = (access: readonly Access[]) => access.map((a) => AccessNames[a]).join(', ')

const AccessNames: Record<Access, string> = {
  admin: 'admin',
  finance: 'finance',
  own: 'account (own account only)',
  carrier: 'upstream (own upstream only)',
  any: 'any valid key',
}

const bearer = (header: string | undefined) => {
  const m = header?.match(/^Bearer\s+(\S{1,512})\s*$/i)
  return m?.[1]
}

/**
 * Authentication, then authorisation, before the route validates its input: an unknown caller learns
 * nothing about a route's parameters. 401 for no or unknown key, 403 for a role or ownership mismatch.
 */
export const authorize =
  (reference: ReferenceStore, access: readonly Access[]): MiddlewareHandler<ApiEnv> =>
  async (c, next) => {
    const key = bearer(c.req.header('authorization'))
    if (!key) {
      c.header('WWW-Authenticate', 'Bearer')
      throw new ApiError(401, 'unauthorized', 'missing bearer API key')
    }
    const found = await reference.apiKey(hashKey(key))
    if (!found) {
      c.header('WWW-Authenticate', 'Bearer error="invalid_token"')
      throw new ApiError(401, 'unauthorized', 'unknown API key')
    }
    const { role, accountId, upstreamId, name, keyHash } = found
    const allowed =
      access.includes('any') ||
      (role === 'admin' && access.includes('admin')) ||
      (role === 'finance' && access.includes('finance')) ||
      (role === 'account' && access.includes('own') && accountId !== undefined && c.req.param('id') === accountId) ||
      (role === 'upstream' && access.includes('carrier') && upstreamId !== undefined && c.req.param('upstreamId') === upstreamId)
    if (!allowed) {
      const why =
        role === 'account' && access.includes('own') ? 'this key may only read its own account' : `role ${role} may not call this route`
      throw new ApiError(403, 'forbidden', why)
    }
    c.set('principal', { role, accountId, name, keyHash })
    await next()
  }
