import { loadConfig } from '../../lib/config'
import { registerSandboxUpstream } from '../../lib/domain/sandbox'
import { buildSandboxSetupReference } from '../wiring'

/** The CloudFormation custom resource event, as far as this handler reads it. */
export interface CfnEvent {
  RequestType: 'Create' | 'Update' | 'Delete'
  ResponseURL: string
  StackId: string
  RequestId: string
  LogicalResourceId: string
  PhysicalResourceId?: string
  ResourceProperties: { Url: string; TimeoutMs: string; SecretRef: string }
}

const reference = buildSandboxSetupReference(loadConfig('sandboxSetup'))

/**
 * Custom::SandboxUpstream (infra/cdk/sandbox-upstream.ts): at every create and update, upstream `sandbox` points at
 * the deployed sandbox function with its secretRef, so a new stage has test access out of the box. At delete nothing
 * is removed: the table goes with the stack, or is kept with the data (protectData). The raw custom resource
 * protocol: the answer is a PUT of a JSON document to the pre-signed ResponseURL.
 */
export async function handler(event: CfnEvent): Promise<void> {
  const id = 'upstream:sandbox'
  let answer: { Status: 'SUCCESS' | 'FAILED'; Reason?: string }
  try {
    if (event.RequestType !== 'Delete') {
      const p = event.ResourceProperties
      const timeoutMs = Number(p.TimeoutMs)
      if (!p.Url?.startsWith('https://') || !Number.isInteger(timeoutMs) || timeoutMs <= 0)
        throw new Error('Custom::SandboxUpstream needs an https Url and a positive integer TimeoutMs')
      await registerSandboxUpstream(reference, { url: p.Url, timeoutMs, secretRef: p.SecretRef })
    }
    answer = { Status: 'SUCCESS' }
  } catch (err) {
    console.error(JSON.stringify({ level: 'error', msg: 'sandbox registration failed', err: String(err) }))
    answer = { Status: 'FAILED', Reason: String(err).slice(0, 500) }
  }
  const body = JSON.stringify({
    ...answer,
    PhysicalResourceId: id,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  })
  await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } })
}
