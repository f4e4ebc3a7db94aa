/** POSTs a webhook body; resolves with the HTTP status, or 0 when no answer came (timeout, connection refused). */
export interface WebhookPoster {
  post(url: string, body: string, headers: Record<string, string>): Promise<number>
}
