import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import { DeleteQueueCommand, ListQueuesCommand, QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs'
import { selfSignedPems } from './pems'

/**
 * The stack's CloudFormation custom resources (infra/cdk/bootstrap.ts), one function for two jobs:
 * - TlsCertificate: on create, the secret `<prefix>/smpp-tls` ({ cert, key }, PEM) the node serves on 3443 when no
 *   ACM certificate is given; generated only when absent, so a certificate an operator put there is kept.
 * - CallbackQueueCleanup: on delete (`cdk destroy`, after the SMPP service is gone), every queue named with the
 *   callback prefix: nodes delete their own queue on drain, this catches those of tasks that were killed.
 * The raw custom resource protocol: the answer is a PUT of a JSON document to the pre-signed ResponseURL.
 */
export interface CfnEvent {
  RequestType: 'Create' | 'Update' | 'Delete'
  ResponseURL: string
  StackId: string
  RequestId: string
  LogicalResourceId: string
  PhysicalResourceId?: string
  ResourceType: string
  ResourceProperties: Record<string, string>
}

const secrets = new SecretsManagerClient({})
const sqs = new SQSClient({})

export async function handler(event: CfnEvent): Promise<void> {
  let answer: { Status: 'SUCCESS' | 'FAILED'; Reason?: string; PhysicalResourceId: string; Data?: Record<string, string> }
  try {
    const { id, data } = await run(event)
    answer = { Status: 'SUCCESS', PhysicalResourceId: id, Data: data }
  } catch (err) {
    console.error(JSON.stringify({ level: 'error', msg: 'custom resource failed', type: event.ResourceType, err: String(err) }))
    answer = {
      Status: 'FAILED',
      Reason: String(err).slice(0, 500),
      PhysicalResourceId: event.PhysicalResourceId ?? event.LogicalResourceId,
    }
  }
  const body = JSON.stringify({ ...answer, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId })
  await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } })
}

async function run(event: CfnEvent): Promise<{ id: string; data?: Record<string, string> }> {
  const p = event.ResourceProperties
  if (event.ResourceType === 'Custom::TlsCertificate') {
    if (event.RequestType === 'Delete') {
      if (p.RetainOnDelete !== 'true') await deleteSecret(p.SecretName)
      return { id: p.SecretName }
    }
    return { id: p.SecretName, data: { SecretArn: await ensureSecret(p.SecretName, p.CommonName) } }
  }
  if (event.ResourceType === 'Custom::CallbackQueueCleanup') {
    if (event.RequestType === 'Delete') await deleteQueuesNamed(p.NamePrefix)
    return { id: `callback-queues:${p.NamePrefix}` }
  }
  throw new Error(`unknown resource type ${event.ResourceType}`)
}

async function ensureSecret(name: string, commonName: string): Promise<string> {
  try {
    const found = await secrets.send(new DescribeSecretCommand({ SecretId: name }))
    if (found.ARN && !found.DeletedDate) return found.ARN
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err
  }
  const pems = await selfSignedPems(commonName)
  const created = await secrets.send(
    new CreateSecretCommand({
      Name: name,
      Description: 'TLS certificate and key the SMPP node serves on 3443 (self-signed at first deploy; replace the value to use your own)',
      SecretString: JSON.stringify(pems),
    }),
  )
  return created.ARN ?? ''
}

async function deleteSecret(name: string): Promise<void> {
  try {
    await secrets.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }))
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err
  }
}

async function deleteQueuesNamed(prefix: string): Promise<void> {
  let NextToken: string | undefined
  do {
    const page = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, NextToken, MaxResults: 1000 }))
    for (const url of page.QueueUrls ?? []) {
      try {
        await sqs.send(new DeleteQueueCommand({ QueueUrl: url }))
      } catch (err) {
        if (!(err instanceof QueueDoesNotExist)) throw err
      }
    }
    NextToken = page.NextToken
  } while (NextToken)
}
