import { loadConfig } from '../../lib/config'
import { parseSubmitJob } from '../../lib/domain/parse'
import { submitBatch } from '../../lib/domain/submit'
import { wholeBatch } from '../batch'
import { observed } from '../observe'
import { cachedReference } from '../reference-cache'
import type { SqsBatchResponse, SqsEvent } from '../types'
import { buildDeps } from '../wiring'

const built = buildDeps(loadConfig('submit')) // once per cold start: a bad env fails here, not mid-batch
// The rules an account's batches all read (tariffs, routes, blacklist, stop words) are kept across invocations while
// their version stays the same (../reference-cache.ts): an operator's change applies from the next invocation.
const reference = cachedReference(built.stores.reference, built.now)
const deps = { ...built, stores: { ...built.stores, reference } }

/** Submit queue -> the batch decided and charged per account, one verdict per job on the node's callback queue (lib/domain/submit.ts). */
export const handler = observed(deps, 'submit', (event: SqsEvent): Promise<SqsBatchResponse> => {
  reference.sync()
  return wholeBatch(event, deps.log, 'submit', parseSubmitJob, (jobs) => submitBatch(deps, jobs))
})
