import type { Context, ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { SmppError } from '../../lib/domain/errors'
import type { Log } from '../../lib/ports'
import { InvalidCursor } from '../../lib/ports/cursor'
import { statusName } from '../../lib/smpp/status'

/** A refusal the caller can act on: an HTTP status and a stable machine-readable code. */
export class ApiError extends Error {
  constructor(
    readonly httpStatus: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export const errorBody = (code: string, message: string, details?: unknown) => ({
  error: { code, message, ...(details === undefined ? {} : { details }) },
})

const httpCodes: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
}

/**
 * The one mapping from exception to HTTP answer. Refusals keep their text; anything else is logged
 * and answered with a bare 500, so no internal detail (table names, SDK messages) reaches the caller.
 */
export const onError =
  (log: Log): ErrorHandler =>
  (err, c) => {
    if (err instanceof ApiError) return c.json(errorBody(err.code, err.message), err.httpStatus)
    if (err instanceof InvalidCursor) return c.json(errorBody('invalid_cursor', 'invalid pagination cursor'), 400)
    // A domain rule's refusal (e.g. insufficient funds): the caller's request, not our fault.
    if (err instanceof SmppError) return c.json(errorBody(statusName(err.status).toLowerCase(), err.message), 422)
    if (err instanceof HTTPException && err.status < 500) {
      const status = err.status as ContentfulStatusCode
      return c.json(errorBody(httpCodes[status] ?? 'bad_request', err.message || 'bad request'), status)
    }
    log.error('api request failed', { method: c.req.method, path: c.req.path, err })
    return c.json(errorBody('internal', 'internal error'), 500)
  }

interface ZodIssueLike {
  path: PropertyKey[]
  message: string
}

/** OpenAPIHono's defaultHook: every schema failure becomes a 400 with the same body shape. */
export const validationHook = (result: { success: true } | { success: false; error: { issues: ZodIssueLike[] } }, c: Context) => {
  if (result.success) return
  const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
  return c.json(errorBody('invalid_request', issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), issues), 400)
}

export const notFound = (what: string): never => {
  throw new ApiError(404, 'not_found', `${what} not found`)
}
