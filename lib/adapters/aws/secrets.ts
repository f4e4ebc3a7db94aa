import type { SecretSource } from '../http/secrets'

export interface ExtensionSecretsOptions {
  /** Secrets Manager name prefix (`UPSTREAM_SECRET_PREFIX`, e.g. `smpp-prod/upstream/`); the secretRef is appended. */
  prefix: string
  /** The function's AWS_SESSION_TOKEN: the extension answers only requests that carry it. */
  token: string
  /** The extension's local endpoint; a test points it at its own server. */
  baseUrl?: string
  /** How long a value is kept in this process before the extension is asked again. */
  ttlMs?: number
  timeoutMs?: number
  now?: () => number
}

/** Port 2773 is the extension's default (PARAMETERS_SECRETS_EXTENSION_HTTP_PORT). */
export const ExtensionBaseUrl = 'http://localhost:2773'

/**
 * Upstream secrets in a Lambda through AWS's Parameters and Secrets extension, which the dispatch function
 * carries (infra/cdk/platform-function.ts): a GET on localhost returns Secrets Manager's GetSecretValue answer,
 * cached by the extension, without the Secrets Manager SDK in the bundle. Values are also kept here for `ttlMs`,
 * so a dispatch batch costs no local HTTP call per message, while a rotated secret is picked up within a minute.
 */
export function extensionSecrets(o: ExtensionSecretsOptions): SecretSource {
  const base = o.baseUrl ?? ExtensionBaseUrl
  const ttlMs = o.ttlMs ?? 60_000
  const now = o.now ?? Date.now
  const cache = new Map<string, { value: Promise<string | undefined>; until: number }>()

  async function read(ref: string): Promise<string | undefined> {
    const url = `${base}/secretsmanager/get?secretId=${encodeURIComponent(`${o.prefix}${ref}`)}`
    const res = await fetch(url, {
      headers: { 'X-Aws-Parameters-Secrets-Token': o.token },
      signal: AbortSignal.timeout(o.timeoutMs ?? 3_000),
    })
    const body = await res.text()
    if (res.ok) {
      const secret = (JSON.parse(body) as { SecretString?: string }).SecretString
      return secret?.trim() || undefined
    }
    // The extension passes Secrets Manager's error on with a 400 (a 404 in some versions): no such secret is
    // "not found" for the caller (the next source may know it), anything else an error to retry.
    if ((res.status === 400 || res.status === 404) && body.includes('ResourceNotFoundException')) return undefined
    throw new Error(`secret ${ref}: the secrets extension answered ${res.status}`)
  }

  return {
    get(ref) {
      const hit = cache.get(ref)
      if (hit && now() < hit.until) return hit.value
      const value = read(ref)
      cache.set(ref, { value, until: now() + ttlMs })
      // Only values are kept: a failure or a missing secret is asked again next time.
      const forget = () => cache.get(ref)?.value === value && cache.delete(ref)
      value.then((v) => v === undefined && forget(), forget)
      return value
    },
  }
}
