import { loadConfig } from '../../lib/config'
import { handleUpstreamEvent } from '../../lib/domain/dlr'
import { parseUpstreamEvent } from '../../lib/domain/parse'
import type { SqsBatchResponse, SqsEvent } from '../types'
import { buildDeps } from '../wiring'

const deps = buildDeps(loadConfig()) // once per cold start: a bad env fails here, not mid-batch

/** Receipts queue -> message state, refunds, usage, and deliver_sm for the client (lib/domain/dlr.ts). */
export async function handler(event: SqsEvent): Promise<SqsBatchResponse> {
  const batchItemFailures: { itemIdentifier: string }[] = []
  for (const record of event.Records) {
    try {
      await handleUpstreamEvent(deps, parseUpstreamEvent(record.body))
    } catch (err) {
      deps.log.error('receipt failed', { messageId: record.messageId, receiveCount: record.attributes?.ApproximateReceiveCount, err })
      batchItemFailures.push({ itemIdentifier: record.messageId })
    }
  }
  return { batchItemFailures }
}
