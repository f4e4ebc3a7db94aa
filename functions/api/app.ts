import { randomBytes } from 'node:crypto'
import { OpenAPIHono } from '@hono/zod-openapi'
import { compatPage } from './compat-page'
import type { ApiApp, ApiDeps, ApiEnv } from './context'
import { docsPage } from './docs-page'
import { errorBody, onError, validationHook } from './errors'
import { usagePage } from './page'
import { registerAccounts } from './routes/accounts'
import { registerCompat } from './routes/compat'
import { registerFinance } from './routes/finance'
import { registerFinanceTotals } from './routes/finance-totals'
import { registerMessages } from './routes/messages'
import { registerOperations } from './routes/operations'
import { registerReference } from './routes/reference'
import { registerWebhooks } from './routes/webhooks'

export type { ApiDeps } from './context'

const OpenApiInfo = {
  openapi: '3.1.0',
  info: {
    title: 'SMPP platform finance, operator and HTTP send API',
    version: '1.0.0',
    description: 'Money is integer minor units with a decimal string beside it (`cost`, `costDecimal`). Lists page with `?limit=&cursor=`.',
  },
} as const

/** Pages built by this app carry their script inline; the policy lets nothing else in. */
const htmlHeaders = (scriptHash?: string) => ({
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; connect-src 'self'; img-src 'self' blob: data:; style-src 'unsafe-inline'; ${scriptHash ? `script-src '${scriptHash}'` : "script-src 'none'"}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
})

/** The finance and operator API, its OpenAPI document and docs page, and the usage page at `/`. */
export function createApi(given: ApiDeps): ApiApp {
  const deps = { ...given, cursorKey: given.cursorKey ?? randomBytes(32).toString('base64url') }
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook })
  app.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'an API key (POST /api-keys)',
  })

  registerAccounts(app, deps)
  registerFinance(app, deps)
  registerFinanceTotals(app, deps)
  registerReference(app, deps)
  registerOperations(app, deps)
  registerCompat(app, deps)
  registerMessages(app, deps)
  registerWebhooks(app, deps)

  app.doc31('/openapi.json', OpenApiInfo)
  let docs: string | undefined // built on first request: the routes are all registered by then
  app.get('/docs', (c) => c.body((docs ??= docsPage(app.getOpenAPI31Document(OpenApiInfo))), 200, htmlHeaders()))
  app.get('/', (c) => c.body(usagePage.html, 200, htmlHeaders(usagePage.scriptHash)))
  app.get('/compat', (c) => c.body(compatPage.html, 200, htmlHeaders(compatPage.scriptHash)))

  app.notFound((c) => c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404))
  app.onError(onError(deps.log))
  return app
}
