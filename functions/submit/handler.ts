import { loadConfig } from '../../lib/config'
import { parseSubmitJob } from '../../lib/domain/parse'
import { submitMessage } from '../../lib/domain/submit'
import type { SqsBatchResponse, SqsEvent } from '../types'
import { buildDeps } from '../wiring'

const deps = buildDeps(loadConfig()) // once per cold start: a bad env fails here, not mid-batch

/** Submit queue -> one verdict per job on the node's callback queue (lib/domain/submit.ts). */
export async function handler(event: SqsEvent): Promise<SqsBatchResponse> {
  const batchItemFailures: { itemIdentifier: string }[] = []
  for (const record of event.Records) {
    try {
      await submitMessage(deps, parseSubmitJob(record.body))
    } catch (err) {
      // Retried alone; redrive ends it in the DLQ. Nothing was charged: the charge is one transaction.
      deps.log.error('submit failed', { messageId: record.messageId, receiveCount: record.attributes?.ApproximateReceiveCount, err })
      batchItemFailures.push({ itemIdentifier: record.messageId })
    }
  }
  return { batchItemFailures }
}
