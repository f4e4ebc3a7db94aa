import type { CfnElement } from 'aws-cdk-lib'
import { type Stack, Token, Validations } from 'aws-cdk-lib'
import type { Table } from 'aws-cdk-lib/aws-dynamodb'

/**
 * cdk-nag (AwsSolutions pack) runs on every synth (infra/cdk/app.ts, and the synth test). What it reports is either
 * fixed in the construct (TLS-only queue and topic policies, API access logs) or acknowledged here, each with why.
 * IAM5 findings are acknowledged one by one (cdk-nag v3 has no prefix match), so a new wildcard fails the synth.
 */
export interface NagParts {
  tables: Table[]
  prefix: string
  callbackPrefix: string
}

const ack = (id: string) => `AwsSolutions::AwsSolutions-${id}`

export function acknowledgeNagFindings(stack: Stack, p: NagParts) {
  const v = Validations.of(stack)
  const because = (id: string, reason: string) => v.acknowledge({ id: ack(id), reason })
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account
  const arn = (service: string, resource: string) => `Resource::arn:<AWS::Partition>:${service}:${region}:${account}:${resource}`

  because(
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'AWS managed policy that grants only CreateLogStream/PutLogEvents: every function writes its logs and EMF metrics there',
  )
  for (const table of p.tables) {
    const id = stack.getLogicalId(table.node.defaultChild as CfnElement)
    because(
      `IAM5[Resource::<${id}.Arn>/index/*]`,
      "The table's own GSIs (lib/resources.ts access patterns): queries read an index, and index ARNs are only known by name",
    )
  }
  because(
    `IAM5[${arn('secretsmanager', `secret:${p.prefix}/upstream/*`)}]`,
    'Upstream credentials are created by operators at run time (docs/DEPLOY.md); the grant is GetSecretValue on that name prefix only',
  )
  because(
    `IAM5[${arn('secretsmanager', `secret:${p.prefix}/smpp-tls-*`)}]`,
    'Secrets Manager appends a random suffix to the TLS secret it creates at first deploy: the bootstrap function needs the name plus suffix',
  )
  because(
    `IAM5[${arn('sqs', `${p.callbackPrefix}*`)}]`,
    'Each node creates its callback queue at run time, named by its task id: grants can only name the prefix (infra/cdk/grants.ts)',
  )
  because(
    'IAM5[Resource::*]',
    'Two actions without resource-level permissions: ecr:GetAuthorizationToken (the task execution role pulling the image) and sqs:ListQueues (teardown sweep, narrowed by QueueNamePrefix)',
  )
  because(
    'L1',
    'Node.js 22 is the runtime the bundles are built and tested for (infra/bundle.ts target); a runtime move is a tested change, not a lint fix',
  )
  because(
    'SQS3',
    'CallbackDlq is itself the dead-letter queue of every node callback queue (their RedrivePolicy is set at run time, so nag cannot see it)',
  )
  because('VPC7', 'VPC flow logs are a per-account policy (cost per GB of SMPP traffic); the node logs every connection and bind itself')
  because(
    'EC23',
    "SMPP is an internet protocol: the NLB's security group admits the stage's allowedCidrs (0.0.0.0/0 unless narrowed with -c allowedCidrs)",
  )
  because(
    'ELB2',
    'NLB access logs cover TLS listeners only and need an S3 bucket; the node logs each connection with the client address from the PROXY header',
  )
  because(
    'ECS2',
    'The environment holds names and timeouts only (tables, queues, ports); the TLS key and upstream passwords come as ECS secrets from Secrets Manager',
  )
  because(
    'SMG4',
    'The API cursor key signs paging cursors only (infra/cdk/http-api.ts): rotating it would only void cursors in flight, so it is not rotated. ' +
      'The sandbox upstream secret guards test traffic that reaches no network (infra/cdk/sandbox-upstream.ts); it is rotated by replacing its value',
  )
  because(
    'APIG4',
    'Every route authenticates in the app with an API key (functions/api/auth.ts: sha256 lookup, roles); API Gateway authorizers would duplicate it',
  )
}
