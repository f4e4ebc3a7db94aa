import { handle } from 'hono/aws-lambda'
import { loadConfig, queueUrl } from '../../lib/config'
import { buildDeps } from '../wiring'
import { createApi } from './app'

const deps = buildDeps(loadConfig('api')) // once per cold start: a bad env fails here, not mid-request
export const handler = handle(createApi({ ...deps, receiptsQueueUrl: queueUrl(deps.cfg, 'receipts') }))
