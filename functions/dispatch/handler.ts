import { loadConfig } from '../../lib/config'
import type { Deps } from '../../lib/domain/deps'
import { dispatchMessage } from '../../lib/domain/dispatch'
import { parseDispatchJob } from '../../lib/domain/parse'
import { perRecord } from '../batch'
import { observed } from '../observe'
import { readOnce } from '../read-once'
import type { SqsBatchResponse, SqsEvent } from '../types'
import { buildDeps } from '../wiring'

const deps = buildDeps(loadConfig('dispatch')) // once per cold start: a bad env fails here, not mid-batch

/** A batch's records mostly go to the same few upstreams: each upstream's row is read once per batch. */
function batchDeps(d: Deps): Deps {
  const { reference } = d.stores
  const upstream = readOnce<Awaited<ReturnType<typeof reference.upstream>>>()
  return { ...d, stores: { ...d.stores, reference: { ...reference, upstream: (id) => upstream(id, () => reference.upstream(id)) } } }
}

/** Dispatch queue -> the upstream, with failover (lib/domain/dispatch.ts). */
export const handler = observed(deps, 'dispatch', (event: SqsEvent): Promise<SqsBatchResponse> => {
  const batch = batchDeps(deps)
  return perRecord(event, deps.log, 'dispatch', (body) => dispatchMessage(batch, parseDispatchJob(body)))
})
