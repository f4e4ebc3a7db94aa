/** Producers and consumers of SQS queues, addressed by URL (callback queues are only known at run time). */
export interface QueueSender {
  send(queueUrl: string, body: unknown): Promise<void>
  /**
   * Batches of up to 10 per request under the hood. Rejects with BatchSendFailure naming exactly the
   * bodies that are not (or not surely) queued when only some failed; any other rejection means none is sure.
   */
  sendBatch(queueUrl: string, bodies: unknown[]): Promise<void>
}

/**
 * A body whose JSON text its producer wrote already (the node's SubmitJob, issue 16: lib/domain/submit-job-json.ts):
 * a sender sends `json` as is. `toJSON` gives the value back, so a sender that JSON.stringify's every body still
 * sends the same text, only at the generic serialiser's cost.
 */
export class JsonBody<T = unknown> {
  constructor(
    readonly value: T,
    readonly json: string,
  ) {}

  toJSON(): T {
    return this.value
  }
}

/** The text a queue message carries for `body`: JSON, written by its producer (JsonBody) or by JSON.stringify. */
export const bodyText = (body: unknown): string => (body instanceof JsonBody ? body.json : JSON.stringify(body))

/** Issue 13, item 8: which bodies of a sendBatch failed (indexes into `bodies`); the others are queued. */
export class BatchSendFailure extends Error {
  constructor(
    readonly failed: readonly number[],
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'BatchSendFailure'
  }
}

/**
 * Issue 18, item 4: the queue does not exist (a node's callback queue, deleted at the end of its drain). Nothing
 * was queued, and retrying cannot help: whoever read that queue is gone.
 */
export class QueueGone extends Error {
  constructor(
    readonly queueUrl: string,
    options?: ErrorOptions,
  ) {
    super(`queue ${queueUrl} does not exist`, options)
    this.name = 'QueueGone'
  }
}

export interface ReceivedMessage {
  messageId: string
  receiptHandle: string
  body: string
  receiveCount: number
}

export interface QueueConsumer {
  receive(queueUrl: string, max: number, waitSec: number, visibilitySec?: number): Promise<ReceivedMessage[]>
  /** Deletes of one queue made within a few ms share one DeleteMessageBatch under the hood. */
  delete(queueUrl: string, receiptHandle: string): Promise<void>
  /** Deletes many at once (DeleteMessageBatch, 10 per request under the hood); rejects if any could not be deleted. */
  deleteBatch(queueUrl: string, receiptHandles: string[]): Promise<void>
  changeVisibility(queueUrl: string, receiptHandle: string, seconds: number): Promise<void>
}
