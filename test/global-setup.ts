import type { TestProject } from 'vitest/node'
import { LocalCredentials, LocalRegion } from '../infra/local/clients'
import { startDynamo } from '../infra/local/dynamo'
import { startSqs } from '../infra/local/sqs'

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string
    sqsEndpoint: string
  }
}

/**
 * Starts DynamoDB Local and the SQS server once per test run on free loopback ports and hands their
 * endpoints to the suites (`inject('dynamoEndpoint')`); test/local-services.ts builds per-file tables
 * and queues on them. The returned teardown stops both, so no JVM outlives the run.
 */
export default async function setup(project: TestProject) {
  // Workers are forked after this runs and inherit the env: dummy credentials for code that builds its own
  // clients, and quiet about the SDK's Node 22 notice, which would otherwise print once per test file.
  process.env.AWS_ACCESS_KEY_ID ??= LocalCredentials.accessKeyId
  process.env.AWS_SECRET_ACCESS_KEY ??= LocalCredentials.secretAccessKey
  process.env.AWS_REGION ??= LocalRegion
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const [dynamo, sqs] = await Promise.allSettled([startDynamo(), startSqs()])
  if (dynamo.status === 'rejected' || sqs.status === 'rejected') {
    if (dynamo.status === 'fulfilled') await dynamo.value.stop()
    if (sqs.status === 'fulfilled') await sqs.value.stop()
    throw dynamo.status === 'rejected' ? dynamo.reason : (sqs as PromiseRejectedResult).reason
  }
  project.provide('dynamoEndpoint', dynamo.value.endpoint)
  project.provide('sqsEndpoint', sqs.value.endpoint)
  return async () => {
    await Promise.all([dynamo.value.stop(), sqs.value.stop()])
  }
}
