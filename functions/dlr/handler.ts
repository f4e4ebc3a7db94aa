import { loadConfig } from '../../lib/config'
import { handleUpstreamEvent } from '../../lib/domain/dlr'
import { parseUpstreamEvent } from '../../lib/domain/parse'
import { perRecord } from '../batch'
import { observed } from '../observe'
import type { SqsBatchResponse, SqsEvent } from '../types'
import { buildDeps } from '../wiring'
import { batchDeps } from './batch-deps'

const deps = buildDeps(loadConfig('dlr')) // once per cold start: a bad env fails here, not mid-batch

/**
 * Receipts queue -> message state, refunds, usage, and deliver_sm for the client (lib/domain/dlr.ts). The
 * batch's nudges to the nodes leave together at its end, its usage counters are summed, and its repeated reads are made once (./batch-deps.ts).
 */
export const handler = observed(deps, 'dlr', async (event: SqsEvent): Promise<SqsBatchResponse> => {
  const batch = batchDeps(deps, event.Records.length)
  const result = await perRecord(event, deps.log, 'receipt', (body) =>
    batch.track(() => handleUpstreamEvent(batch.deps, parseUpstreamEvent(body))),
  )
  await batch.flush()
  return result
})
