import { serve } from '@hono/node-server'
import { loadConfig } from '../../lib/config'
import { buildDeps } from '../wiring'
import { createApi } from './app'

/**
 * The API and usage page for the local stack (`npm start`): the same app as the Lambda, on
 * API_HOST:API_PORT (default 127.0.0.1:8080; set API_HOST=0.0.0.0 to reach it from elsewhere).
 */
const cfg = loadConfig('api')
const deps = buildDeps(cfg)
const { port, host: hostname } = cfg.api
const server = serve(
  {
    fetch: createApi({
      ...deps,
      receiptsQueueUrl: cfg.queues.receipts,
      submitQueueUrl: cfg.queues.submit,
      webhookQueueUrl: cfg.queues.webhook,
      verdictDeadlineMs: cfg.smpp.verdictDeadlineMs,
      retentionDays: cfg.retentionDays,
      cursorKey: cfg.api.cursorSecret,
    }).fetch,
    port,
    hostname,
  },
  (info) => deps.log.info('api listening', { url: `http://${hostname}:${info.port}/`, docs: `http://${hostname}:${info.port}/docs` }),
)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close(() => process.exit(0)))
