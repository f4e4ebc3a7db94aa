import { createRoute, type RouteConfig } from '@hono/zod-openapi'
import { type Access, authorize, describeAccess } from './auth'
import type { ApiDeps } from './context'
import { ErrorSchema, json } from './schemas'

const errors = {
  400: json(ErrorSchema, 'invalid input (code invalid_request, invalid_cursor, ...)'),
  401: json(ErrorSchema, 'no or unknown API key'),
  403: json(ErrorSchema, 'the key\u2019s role or account may not call this route'),
  404: json(ErrorSchema, 'not found'),
} as const

/**
 * A route behind a bearer key: the access rule runs as route middleware, before input validation,
 * and is written into the OpenAPI document (security, description) from the same value.
 */
export function secured<const R extends Omit<RouteConfig, 'security' | 'middleware'>>(
  deps: Pick<ApiDeps, 'stores'>,
  access: readonly Access[],
  config: R,
) {
  return createRoute({
    ...config,
    description: [config.description, `Roles: ${describeAccess(access)}.`].filter(Boolean).join('\n\n'),
    security: [{ Bearer: [] }],
    middleware: [authorize(deps.stores.reference, access)] as const,
    responses: { ...errors, ...config.responses },
  })
}
