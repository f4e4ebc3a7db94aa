import { loadConfig } from '../../lib/config'
import { parseSubmitJob } from '../../lib/domain/parse'
import { submitMessage } from '../../lib/domain/submit'
import { eachRecord } from '../batch'
import { observed } from '../observe'
import type { SqsBatchResponse, SqsEvent } from '../types'
import { buildDeps } from '../wiring'

const deps = buildDeps(loadConfig()) // once per cold start: a bad env fails here, not mid-batch

/** Submit queue -> one verdict per job on the node's callback queue (lib/domain/submit.ts). */
export const handler = observed(
  deps,
  'submit',
  (event: SqsEvent): Promise<SqsBatchResponse> =>
    eachRecord(event, deps.log, 'submit', (body) => submitMessage(deps, parseSubmitJob(body))),
)
