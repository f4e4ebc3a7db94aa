import type { WebhookPoster } from '../../ports/webhook-poster'

/**
 * fetch with a timeout. Redirects are not followed: the operator set this URL, and a 3xx pointing elsewhere (another
 * host, an internal address) would take the signed body where nobody chose to send it; it counts as a failed attempt.
 */
export function fetchWebhookPoster(timeoutMs: number): WebhookPoster {
  return {
    async post(url, body, headers) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'user-agent': 'smpp-platform-webhook/1', ...headers },
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        })
        await res.body?.cancel() // the answer's body is not read: only its status counts
        return res.status
      } catch {
        return 0
      }
    },
  }
}
