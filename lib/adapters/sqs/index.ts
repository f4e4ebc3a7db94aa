export { deleteCallbackQueue, ensureCallbackQueue, ensureNodeCallbackQueue, ensureQueueWithDlq } from './create-queue'
export { QueueError, sqsQueues } from './queues'
