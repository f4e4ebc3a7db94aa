/**
 * Messages that become visible later: SQS DelaySeconds per message (0-900 s). A sender that waits without
 * holding a process, so a Lambda reports a receipt "one delay later" without sleeping through it (issue 19).
 */
export interface DelayedQueueSender {
  /** Rejects unless every item is queued; items of one call may share requests (10 per SendMessageBatch). */
  sendDelayed(queueUrl: string, items: readonly { body: unknown; delaySeconds: number }[]): Promise<void>
}

/** SQS's limit on DelaySeconds: 15 minutes. */
export const MaxDelaySeconds = 900
