import { loadConfig } from '../../lib/config'
import { dispatchMessage } from '../../lib/domain/dispatch'
import { parseDispatchJob } from '../../lib/domain/parse'
import type { SqsBatchResponse, SqsEvent } from '../types'
import { buildDeps } from '../wiring'

const deps = buildDeps(loadConfig()) // once per cold start: a bad env fails here, not mid-batch

/** Dispatch queue -> the upstream, with failover (lib/domain/dispatch.ts). */
export async function handler(event: SqsEvent): Promise<SqsBatchResponse> {
  const batchItemFailures: { itemIdentifier: string }[] = []
  for (const record of event.Records) {
    try {
      await dispatchMessage(deps, parseDispatchJob(record.body))
    } catch (err) {
      deps.log.error('dispatch failed', { messageId: record.messageId, receiveCount: record.attributes?.ApproximateReceiveCount, err })
      batchItemFailures.push({ itemIdentifier: record.messageId })
    }
  }
  return { batchItemFailures }
}
