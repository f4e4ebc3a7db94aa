import type { SubmitJob } from '../../lib/domain/jobs'
import { submitJobJson } from '../../lib/domain/submit-job-json'
import { BatchSendFailure, JsonBody, type QueueSender } from '../../lib/ports'

/** Told once whether the job reached the queue: `err` undefined when it did. */
export type Posted = (err?: unknown) => void

// SendMessageBatch takes 10 entries; a failure then touches at most 10 submits.
const BatchSize = 10

/**
 * Posts submit jobs in SQS batches: every job that arrives in one turn of the event loop (all the
 * submit_sm of one TCP read, across sessions) leaves in batches of 10, one request each, instead of one
 * request per message. At low load a job leaves alone, one turn after it arrived.
 *
 * `post` takes a callback rather than returning a promise: on the hot path (the bench's profile) a
 * promise and its handlers per message cost more than the batching saves.
 */
export class SubmitBatcher {
  private jobs: SubmitJob[] = []
  private done: Posted[] = []
  private scheduled = false

  constructor(
    private readonly queues: QueueSender,
    private readonly queueUrl: string,
  ) {}

  post(job: SubmitJob, posted: Posted): void {
    this.jobs.push(job)
    this.done.push(posted)
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.flush())
    }
  }

  send(job: SubmitJob): Promise<void> {
    return new Promise((resolve, reject) => this.post(job, (err) => (err === undefined ? resolve() : reject(err))))
  }

  private flush(): void {
    this.scheduled = false
    const { jobs, done } = this
    this.jobs = []
    this.done = []
    for (let i = 0; i < jobs.length; i += BatchSize) {
      const callbacks = done.slice(i, i + BatchSize)
      const bodies: JsonBody<SubmitJob>[] = []
      // The node's own writer for the job's JSON (the same text JSON.stringify writes, at about half its cost).
      for (let k = i; k < i + callbacks.length; k++) bodies.push(new JsonBody(jobs[k], submitJobJson(jobs[k])))
      this.queues.sendBatch(this.queueUrl, bodies).then(
        () => {
          for (const cb of callbacks) cb()
        },
        (err) => {
          // Issue 13, item 8: only the jobs that did not reach the queue are told so; the rest are queued and will run.
          const failed = err instanceof BatchSendFailure ? new Set(err.failed) : undefined
          for (const [i, cb] of callbacks.entries()) {
            if (failed === undefined || failed.has(i)) cb(err ?? new Error('sendBatch failed'))
            else cb()
          }
        },
      )
    }
  }
}
