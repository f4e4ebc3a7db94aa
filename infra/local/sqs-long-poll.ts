/**
 * AWS's long poll for the local SQS server (`local-aws-sqs` 2.0.x). Its ReceiveMessage holds every request
 * for WaitTimeSeconds + 40 ms unless MaxNumberOfMessages messages turn up (a short poll too waits those
 * 40 ms), scanning the whole queue every 10 ms meanwhile. AWS answers a long poll as soon as one message is
 * there ("ReceiveMessage returns as soon as a message is available", SQS developer guide, long polling),
 * and an idle waiting poll costs nothing. Without this, every local hop waited out its poll, and the pollers
 * of an idle `npm start` kept a third of a core busy (issue 12).
 *
 * The wrapper waits, with no timer running, until the queue has a message ready (a send, or a message whose
 * visibility timeout or delay ran out), then calls the server's own receive for at most that many messages,
 * which it fills on its first tick, made 1 ms instead of its 10 ms (withQuickTick). Everything else (visibility, receive counts, redrive to the DLQ,
 * receipt handles, the in-flight limit) stays the server's. Only the public members of its Queue are used.
 */

import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * The request being served, as an AbortSignal that fires when its connection closes (set by infra/local/sqs.ts):
 * a poll whose client went away (a killed process) must not take messages and hide them for their visibility timeout.
 */
export const pollingRequest = new AsyncLocalStorage<AbortSignal>()

/** The members of local-aws-sqs's Queue that the wrapper uses (all public in its typings). */
export interface ServerQueue {
  DelaySeconds: number
  VisibilityTimeout: number
  receive(args: { VisibilityTimeout?: unknown; WaitTimeSeconds?: unknown; MaxNumberOfMessages?: unknown }): Promise<unknown[]>
  newRecord: (msg: Record<string, unknown>, delay?: number) => unknown
  changeVisibility(receiptHandle: string, seconds: unknown): boolean
  getAttributes(names: string[]): Record<string, string> | undefined
}

// A message can become ready without passing through the hooks below (a purge's end, a record moved by a
// redrive task): a waiting poll looks again this often. A rare, cheap check, not a poll loop.
const RecheckMs = 1_000
const wrapped = new WeakSet<object>()

// The server's receive scans the queue on a 10 ms setInterval and answers on its first tick. The wrapper calls
// it only once messages are ready, so that tick is a wait AWS does not have, paid at every hop (issue 12).
const ServerTickMs = 10

/**
 * Runs the server's receive with its scan on a 0 ms interval (Node's 1 ms minimum). The server's generator
 * runs synchronously up to its first wait, so its setInterval is created inside `call`.
 */
function withQuickTick<T>(call: () => T): T {
  const real = globalThis.setInterval
  globalThis.setInterval = ((fn: () => void, ms?: number) => real(fn, ms === ServerTickMs ? 0 : ms)) as typeof setInterval
  try {
    return call()
  } finally {
    globalThis.setInterval = real
  }
}

/** Messages that a receive would hand out now: not delayed and visible. */
function readyCount(queue: ServerQueue): number {
  const a = queue.getAttributes(['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'])
  // ApproximateNumberOfMessages counts records not delayed; NotVisible counts those received and not yet
  // back. A delayed record has never been received, so the difference is exactly the ready ones.
  return Math.max(0, Number(a?.ApproximateNumberOfMessages ?? 0) - Number(a?.ApproximateNumberOfMessagesNotVisible ?? 0))
}

/** Makes `queue` answer ReceiveMessage as AWS does. Idempotent: a queue is wrapped once. */
export function longPollLikeAws(queue: ServerQueue): void {
  if (wrapped.has(queue)) return
  wrapped.add(queue)
  const waiters = new Set<() => void>()
  const wakeAll = () => {
    for (const wake of [...waiters]) wake()
  }
  // Woken after the server's own timer for the same moment (timers of equal delay run in creation order).
  const wakeIn = (ms: number) => setTimeout(wakeAll, Math.max(0, ms) + 1).unref()
  const secondsOr = (v: unknown, d: number) => (v === undefined || v === null || Number.isNaN(Number(v)) ? d : Number(v))

  const newRecord = queue.newRecord
  queue.newRecord = (msg, delay) => {
    const record = newRecord(msg, delay)
    wakeIn(secondsOr(delay, queue.DelaySeconds) * 1_000)
    return record
  }
  const changeVisibility = queue.changeVisibility.bind(queue)
  queue.changeVisibility = (handle, seconds) => {
    const changed = changeVisibility(handle, seconds)
    wakeIn(Number(seconds) * 1_000)
    return changed
  }

  const receive = queue.receive.bind(queue)
  // Messages promised to a receive that is being served: a wake-up wakes every waiting poll, and without
  // this the ones that find nothing left would sit in the server's receive for its 40 ms instead of waiting.
  let claimed = 0
  queue.receive = async (args) => {
    const max = Math.max(1, secondsOr(args.MaxNumberOfMessages, 1))
    const receiveReady = async (n: number): Promise<unknown[]> => {
      claimed += n
      try {
        return await withQuickTick(() => receive({ ...args, WaitTimeSeconds: 0, MaxNumberOfMessages: n }))
      } finally {
        claimed -= n
      }
    }
    const deadline = Date.now() + secondsOr(args.WaitTimeSeconds, 0) * 1_000
    const gone = pollingRequest.getStore()
    for (;;) {
      if (gone?.aborted) return []
      const take = Math.min(max, readyCount(queue) - claimed)
      if (take > 0) {
        let got = await receiveReady(take)
        // The server's scan can answer with part of what was ready (its 40 ms run out between two ticks on a busy
        // machine): AWS hands out what is there, so what is still ready is taken at once, once.
        const more = Math.min(max - got.length, readyCount(queue) - claimed)
        if (got.length > 0 && more > 0) got = [...got, ...(await receiveReady(more))]
        // What was just received comes back when its visibility timeout ends: wake the pollers then.
        if (got.length) wakeIn(secondsOr(args.VisibilityTimeout, queue.VisibilityTimeout) * 1_000)
        if (got.length || Date.now() >= deadline) return got
      } else if (Date.now() >= deadline) return []
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer)
          waiters.delete(done)
          gone?.removeEventListener('abort', done)
          resolve()
        }
        const timer = setTimeout(done, Math.min(RecheckMs, Math.max(0, deadline - Date.now())))
        timer.unref()
        waiters.add(done)
        gone?.addEventListener('abort', done, { once: true })
      })
    }
  }
}
