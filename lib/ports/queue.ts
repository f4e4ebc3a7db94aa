/** Producers and consumers of SQS queues, addressed by URL (callback queues are only known at run time). */
export interface QueueSender {
  send(queueUrl: string, body: unknown): Promise<void>
  /** Batches of up to 10 per request under the hood. */
  sendBatch(queueUrl: string, bodies: unknown[]): Promise<void>
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
