import { loadConfig } from '../../lib/config'
import { sandboxSubmit } from '../../lib/domain/sandbox-carrier'
import { buildSandboxCarrierDeps } from '../wiring'

/** The fields of a Lambda Function URL event (payload format 2.0) this handler reads. */
export interface FunctionUrlEvent {
  rawPath: string
  requestContext: { http: { method: string } }
  headers?: Record<string, string | undefined> // lower-cased by Lambda
  body?: string
  isBase64Encoded?: boolean
}
export interface FunctionUrlResult {
  statusCode: number
  headers: Record<string, string>
  body: string
}

const deps = buildSandboxCarrierDeps(loadConfig('sandbox')) // once per cold start: a bad env fails here
const MaxBodyBytes = 256 * 1024

const reply = (statusCode: number, body: unknown): FunctionUrlResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

/**
 * The sandbox upstream behind its Function URL (issue 19): `POST /sms` is the HTTP upstream contract
 * (lib/domain/sandbox-carrier.ts), `GET /health` a liveness probe. A body that is not a JSON object is a 400.
 */
export async function handler(event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  const method = event.requestContext.http.method
  if (method === 'GET' && event.rawPath === '/health') return reply(200, { ok: true })
  if (method !== 'POST' || event.rawPath !== '/sms') return reply(404, { error: 'POST /sms only' })
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '')
  if (Buffer.byteLength(raw) > MaxBodyBytes) return reply(413, { error: 'body too large' })
  let body: unknown
  try {
    body = JSON.parse(raw || '{}')
  } catch {
    return reply(400, { error: 'not JSON' })
  }
  // A failure to queue the receipts throws: the invocation counts in the function's Errors alarm, and the Function
  // URL answers 502, a transport error for the dispatcher (which retries, then gives up with 0x0446).
  const { status, body: answer } = await sandboxSubmit(deps, event.headers?.authorization, body)
  return reply(status, answer)
}
