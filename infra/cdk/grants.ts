import { ArnFormat, Stack } from 'aws-cdk-lib'
import type { ITable } from 'aws-cdk-lib/aws-dynamodb'
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam'
import type { IQueue } from 'aws-cdk-lib/aws-sqs'
import type { Construct } from 'constructs'
import { EnvKeys } from '../../lib/config'
import type { QueueName, TableName } from '../../lib/resources'

/**
 * Least privilege, spelled out: every grant names its actions. No `dynamodb:*`, `sqs:*` or `*`
 * (infra/cdk/platform-stack.test.ts checks the whole template for them).
 */

/** A Lambda function or an ECS task definition: something with env vars and a role. */
export interface EnvTarget extends IGrantable {
  addEnvironment(key: string, value: string): unknown
}

export type TableAccess = 'read' | 'write' | 'readwrite'

// ConditionCheckItem: a TransactWriteItems condition on an item we do not write needs it.
const TableActions: Record<TableAccess, string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'],
  readwrite: [],
}
TableActions.readwrite = [...new Set([...TableActions.read, ...TableActions.write])]

/**
 * Tells `target` which physical table is `name` (the env var lib/config.ts reads) and grants exactly
 * the actions of `access` on the table and its indexes. `scan` only for the API's paginated admin listings.
 */
export function useTable(target: EnvTarget, name: TableName, table: ITable, access: TableAccess, opts: { scan?: boolean } = {}) {
  target.addEnvironment(EnvKeys.table(name), table.tableName)
  const actions = [...TableActions[access], ...(opts.scan ? ['dynamodb:Scan'] : [])]
  target.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [table.tableArn, `${table.tableArn}/index/*`] }))
}

export type QueueAccess = 'send' | 'consume'

const QueueActions: Record<QueueAccess, string[]> = {
  send: ['sqs:SendMessage', 'sqs:GetQueueUrl', 'sqs:GetQueueAttributes'],
  // What an SQS event source mapping needs from the function's role.
  consume: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
}

/** Sets the queue's URL env var and grants `access` on it. */
export function useQueue(target: EnvTarget, name: QueueName, queue: IQueue, access: QueueAccess) {
  target.addEnvironment(EnvKeys.queue(name), queue.queueUrl)
  target.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: QueueActions[access], resources: [queue.queueArn] }))
}

/** `arn:…:sqs:<region>:<account>:<prefix>*`: every node's callback queue and its DLQ. */
export function callbackQueuesArn(scope: Construct, namePrefix: string): string {
  return Stack.of(scope).formatArn({ service: 'sqs', resource: `${namePrefix}*`, arnFormat: ArnFormat.NO_RESOURCE_NAME })
}

/** The node's own callback queue lifecycle: create at start (lib/adapters/sqs/create-queue.ts), consume, delete on drain. */
export const CallbackOwnerActions = [
  'sqs:CreateQueue',
  'sqs:GetQueueUrl',
  'sqs:GetQueueAttributes',
  'sqs:SetQueueAttributes',
  'sqs:SendMessage',
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteQueue',
]

/**
 * Callback queues are created by the nodes at run time, so no construct knows their ARNs: grants go
 * on the name prefix. `owner` for the nodes; `send` for the functions that post verdicts and deliveries.
 */
export function useCallbackQueues(target: EnvTarget, queues: { namePrefix: string; arn: string }, access: 'owner' | 'send') {
  target.addEnvironment(EnvKeys.callbackQueuePrefix, queues.namePrefix)
  const actions = access === 'owner' ? CallbackOwnerActions : ['sqs:SendMessage']
  target.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [queues.arn] }))
}
