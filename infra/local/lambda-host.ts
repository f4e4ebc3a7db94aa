import { fileURLToPath } from 'node:url'
import { meterFromEnv } from '../../lib/adapters/aws/meter'
import { loadConfig } from '../../lib/config'
import { type QueueName, Queues } from '../../lib/resources'
import { localSqsClient } from './clients'
import { startDueTimer } from './due-timer'
import { consoleLog, type EventSourceRunner, type SqsHandler, startEventSource } from './event-source'

/**
 * The local Lambda service: one event-source runner per pipeline queue, each feeding the same handler
 * module that runs on AWS. Handlers are loaded by path so infra/ never imports handler code at build time.
 * Run as its own process by infra/local/main.ts with the env CDK would give the functions.
 */
export const Functions: Partial<Record<QueueName, string>> = {
  submit: '../../functions/submit/handler.ts',
  dispatch: '../../functions/dispatch/handler.ts',
  receipts: '../../functions/dlr/handler.ts',
  webhook: '../../functions/webhook/handler.ts',
}

export async function startLambdaHost(env: Record<string, string | undefined>, concurrency: number): Promise<EventSourceRunner> {
  const cfg = loadConfig('stack', env) // four functions in one process: every queue they consume
  if (!cfg.endpoints.sqs) throw new Error('lambda host: SQS_ENDPOINT is not set')
  const sqs = localSqsClient(cfg.endpoints.sqs)
  // Lambda's pollers' receives and deletes are billed SQS requests on AWS too.
  meterFromEnv(env.METER_DIR, 'functions', { sqs })
  const runners: EventSourceRunner[] = []
  try {
    // The due-time sweep (issue 14): what EventBridge runs every minute on AWS, here every DUE_SWEEP_MS while there is
    // work, backing off to DUE_SWEEP_IDLE_MS while there is none (./due-timer.ts).
    const dueLog = consoleLog('lambda:due')
    const intervalMs = Number(env.DUE_SWEEP_MS ?? 1_000) || 1_000
    const idleMaxMs = Math.max(intervalMs, Number(env.DUE_SWEEP_IDLE_MS ?? 8_000) || 8_000)
    runners.push(await startDueTimer({ intervalMs, idleMaxMs }, (msg) => dueLog.error(msg)))
    // The upstream queue has no Lambda: the SMPP bind pool consumes it (issue 9).
    for (const [q, file] of Object.entries(Functions) as [QueueName, string][]) {
      const mod = (await import(new URL(file, import.meta.url).href)) as { handler?: SqsHandler }
      if (typeof mod.handler !== 'function') throw new Error(`${file} exports no handler(event)`)
      const def = Queues[q]
      runners.push(
        await startEventSource({
          sqs,
          queueUrl: cfg.queues[q],
          handler: mod.handler,
          batchSize: def.batchSize,
          batchWindowMs: def.batchWindowSec * 1_000,
          concurrency,
          log: consoleLog(`lambda:${q}`),
        }),
      )
    }
  } catch (err) {
    await Promise.all(runners.map((r) => r.stop()))
    throw err
  }
  return { stop: async () => void (await Promise.all(runners.map((r) => r.stop()))) }
}

async function main() {
  const host = await startLambdaHost(process.env, Number(process.env.LAMBDA_CONCURRENCY ?? 2) || 2)
  console.error('lambda host: polling submit, dispatch, receipts and webhook; sweeping due messages')
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await host.stop() // in-flight batches finish and are acknowledged
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(`lambda host: ${err instanceof Error ? err.message : err}`)
    process.exit(1)
  })
}
