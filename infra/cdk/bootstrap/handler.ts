import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import { DeleteQueueCommand, ListQueuesCommand, QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs'
import { answerCustomResource, type CfnEvent, type CfnResult } from '../../../lib/adapters/aws/cfn-response'
import { selfSignedPems } from './pems'

/**
 * The stack's CloudFormation custom resources (infra/cdk/bootstrap.ts), one function for two jobs:
 * - TlsCertificate: on create, the secret `<prefix>/smpp-tls` ({ cert, key }, PEM) the node serves on 3443 when no
 *   ACM certificate is given; generated only when absent, so a certificate an operator put there is kept.
 * - CallbackQueueCleanup: on delete (`cdk destroy`, after the SMPP service is gone), every queue named with the
 *   callback prefix: nodes delete their own queue on drain, this catches those of tasks that were killed.
 * Answered by the custom resource protocol (lib/adapters/aws/cfn-response.ts).
 */
const secrets = new SecretsManagerClient({})
const sqs = new SQSClient({})

export async function handler(event: CfnEvent): Promise<void> {
  await answerCustomResource(event, run, {
    log: (msg, err) => console.error(JSON.stringify({ level: 'error', msg, type: event.ResourceType, err: String(err) })),
  })
}

async function run(event: CfnEvent): Promise<CfnResult> {
  const p = event.ResourceProperties
  if (event.ResourceType === 'Custom::TlsCertificate') {
    if (event.RequestType === 'Delete') {
      if (p.RetainOnDelete !== 'true') await deleteSecret(p.SecretName)
      return { physicalResourceId: p.SecretName }
    }
    return { physicalResourceId: p.SecretName, data: { SecretArn: await ensureSecret(p.SecretName, p.CommonName) } }
  }
  if (event.ResourceType === 'Custom::CallbackQueueCleanup') {
    if (event.RequestType === 'Delete') await deleteQueuesNamed(p.NamePrefix)
    return { physicalResourceId: `callback-queues:${p.NamePrefix}` }
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
