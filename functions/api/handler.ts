import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda'
import { loadConfig, queueUrl } from '../../lib/config'
import { withLogContext } from '../observe'
import { buildDeps } from '../wiring'
import { createApi } from './app'

const deps = buildDeps(loadConfig('api')) // once per cold start: a bad env fails here, not mid-request
const api = handle(
  createApi({
    ...deps,
    receiptsQueueUrl: queueUrl(deps.cfg, 'receipts'),
    submitQueueUrl: queueUrl(deps.cfg, 'submit'),
    webhookQueueUrl: queueUrl(deps.cfg, 'webhook'),
    verdictDeadlineMs: deps.cfg.smpp.verdictDeadlineMs,
    retentionDays: deps.cfg.retentionDays,
    cursorKey: deps.cfg.api.cursorSecret,
  }),
)
// Every line a request logs carries its Lambda request id (issue 15), as the SQS handlers' lines do.
export const handler = withLogContext((event: LambdaEvent, context?: LambdaContext) => api(event, context))
