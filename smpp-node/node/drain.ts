import type { Log } from '../../lib/ports'
import type { CallbackConsumer } from '../bridge/callback-consumer'
import type { VerdictBook } from '../bridge/verdicts'
import { type Clock, sleep, type TimerHandle } from '../session/clock'
import type { Connection } from '../session/connection'
import type { BoundSessions } from './registry'

export interface DrainDeps {
  connections: ReadonlySet<Connection>
  sessions: BoundSessions
  consumer: CallbackConsumer
  verdicts: Pick<VerdictBook, 'size'>
  clock: Clock
  log: Log
  drainTimeoutMs: number
}

/**
 * Graceful stop (SIGTERM): no new binds (the caller flagged the node draining), unbind sent to every
 * session, then wait until every submit has its verdict answered and every deliver_sm its resp, up to
 * drainTimeoutMs; then close what is left, stop the consumer and deregister.
 */
export async function drainNode(d: DrainDeps): Promise<void> {
  const { clock, log } = d
  d.sessions.stopHeartbeat()
  const conns = [...d.connections]
  log.info('draining', { sessions: conns.length, verdictsWaiting: d.verdicts.size })
  const settled = Promise.all(
    conns.map(async (c) => {
      await c.unbind()
      await c.window.until(0)
      while (c.pendingRequests > 0 && c.state !== 'closed') await sleep(clock, 20)
    }),
  ).then(async () => {
    while (d.consumer.deliveriesInFlight > 0) await sleep(clock, 20)
  })
  let timer: TimerHandle | undefined
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = clock.setTimeout(() => resolve('timeout'), d.drainTimeoutMs)
  })
  const outcome = await Promise.race([settled.then(() => 'drained' as const), deadline])
  clock.clearTimeout(timer)
  if (outcome === 'timeout') log.warn('drain deadline passed', { verdictsWaiting: d.verdicts.size })
  for (const c of d.connections) void c.end('node stopping')
  await Promise.all(conns.map((c) => c.closed))
  await d.sessions.settled()
  await d.consumer.stop(false)
  log.info('drained', { outcome })
}
