import { loadConfig } from '../../lib/config'
import { registerSandboxUpstream } from '../../lib/domain/sandbox'
import { answerCustomResource, buildSandboxSetupReference, type CfnEvent } from '../wiring'

/** The CloudFormation custom resource event of Custom::SandboxUpstream (infra/cdk/sandbox-upstream.ts). */
export type SandboxEvent = CfnEvent<{ Url: string; TimeoutMs: string; SecretRef: string }>

const reference = buildSandboxSetupReference(loadConfig('sandboxSetup'))

/**
 * Custom::SandboxUpstream (infra/cdk/sandbox-upstream.ts): at every create and update, upstream `sandbox` points at
 * the deployed sandbox function with its secretRef, so a new stage has test access out of the box. At delete nothing
 * is removed: the table goes with the stack, or is kept with the data (protectData). Answered by the custom
 * resource protocol (lib/adapters/aws/cfn-response.ts).
 */
export async function handler(event: SandboxEvent): Promise<void> {
  const id = 'upstream:sandbox'
  await answerCustomResource(
    event,
    async (e) => {
      if (e.RequestType !== 'Delete') {
        const p = e.ResourceProperties
        const timeoutMs = Number(p.TimeoutMs)
        if (!p.Url?.startsWith('https://') || !Number.isInteger(timeoutMs) || timeoutMs <= 0)
          throw new Error('Custom::SandboxUpstream needs an https Url and a positive integer TimeoutMs')
        await registerSandboxUpstream(reference, { url: p.Url, timeoutMs, secretRef: p.SecretRef })
      }
      return { physicalResourceId: id }
    },
    {
      failedId: id,
      log: (msg, err) => console.error(JSON.stringify({ level: 'error', msg: `sandbox registration: ${msg}`, err: String(err) })),
    },
  )
}
