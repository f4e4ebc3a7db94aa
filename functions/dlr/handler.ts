import { loadConfig } from '../../lib/config'
import { handleUpstreamEvent } from '../../lib/domain/dlr'
import { parseUpstreamEvent } from '../../lib/domain/parse'
import { eachRecord } from '../batch'
import { observed } from '../observe'
import type { SqsBatchResponse, SqsEvent } from '../types'
import { buildDeps } from '../wiring'

const deps = buildDeps(loadConfig()) // once per cold start: a bad env fails here, not mid-batch

/** Receipts queue -> message state, refunds, usage, and deliver_sm for the client (lib/domain/dlr.ts). */
export const handler = observed(
  deps,
  'dlr',
  (event: SqsEvent): Promise<SqsBatchResponse> =>
    eachRecord(event, deps.log, 'receipt', (body) => handleUpstreamEvent(deps, parseUpstreamEvent(body))),
)
