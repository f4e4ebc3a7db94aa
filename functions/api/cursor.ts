import { createHmac, timingSafeEqual } from 'node:crypto'
import { decodeCursor, encodeCursor } from '../../lib/ports/cursor'
import { ApiError } from './errors'

/**
 * API cursors wrap the store's opaque cursor with the listing it belongs to (its partition: an
 * account, a plan, an owner). A cursor replayed against another listing is a 400 here instead of a
 * DynamoDB validation error further down ("starting key does not match the range key predicate").
 * Not signed: it only carries where to resume; a cursor carrying state the caller must not choose uses signCursor.
 */
export const encodeScoped = (scope: string, state: Record<string, unknown>) => encodeCursor({ q: scope, ...state })

export function decodeScoped(scope: string, cursor: string): Record<string, unknown> {
  try {
    const c = decodeCursor<Record<string, unknown>>(cursor)
    if (c?.q === scope) return c
  } catch {}
  throw new ApiError(400, 'invalid_cursor', 'invalid pagination cursor for this listing')
}

/** The store's cursor inside an API cursor of `scope`. */
export function storeCursor(scope: string, cursor: string | undefined): string | undefined {
  if (!cursor) return undefined
  const s = decodeScoped(scope, cursor).s
  if (typeof s !== 'string') throw new ApiError(400, 'invalid_cursor', 'invalid pagination cursor for this listing')
  return s
}

/** A store page as the API answers it: `{ items, cursor? }` with the cursor scoped. */
export const scopedPage = <T>(scope: string, page: { items: T[]; cursor?: string }) => ({
  items: page.items,
  ...(page.cursor ? { cursor: encodeScoped(scope, { s: page.cursor }) } : {}),
})

/**
 * A cursor whose state the caller must not alter (issue 13, item 10: the ledger cursor carries the running
 * balance, which a caller could otherwise rewrite and be shown): `<state>.<HMAC-SHA256 of it>`.
 */
export function signCursor(key: string, scope: string, state: Record<string, unknown>): string {
  const body = encodeScoped(scope, state)
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`
}

export function verifyCursor(key: string, scope: string, cursor: string): Record<string, unknown> {
  const [body, mac, extra] = cursor.split('.')
  const want = createHmac('sha256', key)
    .update(body ?? '')
    .digest()
  const got = Buffer.from(mac ?? '', 'base64url')
  if (extra !== undefined || got.length !== want.length || !timingSafeEqual(got, want)) {
    throw new ApiError(400, 'invalid_cursor', 'invalid pagination cursor for this listing')
  }
  return decodeScoped(scope, body ?? '')
}
