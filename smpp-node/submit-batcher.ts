import type { SubmitJob } from '../lib/domain/jobs'
import type { QueueSender } from '../lib/ports'

interface Entry {
  job: SubmitJob
  resolve(): void
  reject(err: unknown): void
}

// SendMessageBatch takes 10 entries; a failure then touches at most 10 submits.
const BatchSize = 10

/**
 * Posts submit jobs in SQS batches: every job that arrives in one turn of the event loop (all the
 * submit_sm of one TCP read, across sessions) leaves in batches of 10, one request each, instead of one
 * request per message. At low load a job leaves alone, one turn after it arrived.
 */
export class SubmitBatcher {
  private pending: Entry[] = []
  private scheduled = false

  constructor(
    private readonly queues: QueueSender,
    private readonly queueUrl: string,
  ) {}

  send(job: SubmitJob): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ job, resolve, reject })
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  private flush(): void {
    this.scheduled = false
    const all = this.pending
    this.pending = []
    for (let i = 0; i < all.length; i += BatchSize) {
      const chunk = all.slice(i, i + BatchSize)
      this.queues
        .sendBatch(
          this.queueUrl,
          chunk.map((e) => e.job),
        )
        .then(
          () => {
            for (const e of chunk) e.resolve()
          },
          (err) => {
            for (const e of chunk) e.reject(err)
          },
        )
    }
  }
}
