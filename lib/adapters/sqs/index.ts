export { ensureCallbackQueue, ensureQueueWithDlq } from './create-queue'
export { QueueError, sqsQueues } from './queues'
