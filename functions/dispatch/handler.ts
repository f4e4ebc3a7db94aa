import { loadConfig } from '../../lib/config'
import { dispatchMessage } from '../../lib/domain/dispatch'
import { parseDispatchJob } from '../../lib/domain/parse'
import { eachRecord } from '../batch'
import { observed } from '../observe'
import type { SqsBatchResponse, SqsEvent } from '../types'
import { buildDeps } from '../wiring'

const deps = buildDeps(loadConfig()) // once per cold start: a bad env fails here, not mid-batch

/** Dispatch queue -> the upstream, with failover (lib/domain/dispatch.ts). */
export const handler = observed(
  deps,
  'dispatch',
  (event: SqsEvent): Promise<SqsBatchResponse> =>
    eachRecord(event, deps.log, 'dispatch', (body) => dispatchMessage(deps, parseDispatchJob(body))),
)
