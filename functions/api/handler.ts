import { handle } from 'hono/aws-lambda'
import { loadConfig } from '../../lib/config'
import { buildDeps } from '../wiring'
import { createApi } from './app'

const deps = buildDeps(loadConfig()) // once per cold start: a bad env fails here, not mid-request
export const handler = handle(createApi({ ...deps, receiptsQueueUrl: deps.cfg.queues.receipts, cursorKey: deps.cfg.api.cursorSecret }))
