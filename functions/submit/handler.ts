import { loadConfig } from '../../lib/config'
import { parseSubmitJob } from '../../lib/domain/parse'
import { submitBatch } from '../../lib/domain/submit'
import { wholeBatch } from '../batch'
import { observed } from '../observe'
import type { SqsBatchResponse, SqsEvent } from '../types'
import { buildDeps } from '../wiring'

const deps = buildDeps(loadConfig('submit')) // once per cold start: a bad env fails here, not mid-batch

/** Submit queue -> the batch decided and charged per account, one verdict per job on the node's callback queue (lib/domain/submit.ts). */
export const handler = observed(
  deps,
  'submit',
  (event: SqsEvent): Promise<SqsBatchResponse> => wholeBatch(event, deps.log, 'submit', parseSubmitJob, (jobs) => submitBatch(deps, jobs)),
)
