import { ArnFormat, CustomResource, Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib'
import { PolicyStatement } from 'aws-cdk-lib/aws-iam'
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs'
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs'
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager'
import { Construct } from 'constructs'
import { esmBundling, nodeFunctionBase } from './platform-function'

export interface BootstrapProps {
  prefix: string
  /** Name prefix of the nodes' callback queues (and their DLQs, locally): deleted at `cdk destroy`. */
  callbackQueuePrefix: string
  /** Create the 3443 secret: only when no ACM certificate is given. `commonName`: the NLB's DNS name. */
  tls?: { commonName: string }
  /** Keep the TLS secret at `cdk destroy` (prod's protectData). */
  retain: boolean
  removalPolicy: RemovalPolicy
}

/**
 * What a plain CloudFormation resource cannot do, as custom resources of one small function (bootstrap/handler.ts):
 * the node's TLS certificate in Secrets Manager, generated at the first deploy when absent (CloudFormation can
 * generate passwords, not certificates), and the callback queues the nodes created at run time, deleted at teardown.
 */
export class Bootstrap extends Construct {
  readonly tlsSecret?: ISecret
  readonly callbackCleanup: CustomResource

  constructor(scope: Construct, id: string, props: BootstrapProps) {
    super(scope, id)
    const stack = Stack.of(this)
    const fn = new NodejsFunction(this, 'Function', {
      ...nodeFunctionBase('infra/cdk/bootstrap/handler.ts'),
      memorySize: 256,
      timeout: Duration.minutes(5), // a teardown may list and delete many queues
      logGroup: new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_WEEK, removalPolicy: props.removalPolicy }),
      // No external modules: the Secrets Manager client is bundled, not taken from the runtime.
      bundling: esmBundling,
    })
    const queuesArn = stack.formatArn({ service: 'sqs', resource: `${props.callbackQueuePrefix}*`, arnFormat: ArnFormat.NO_RESOURCE_NAME })
    // ListQueues has no resource-level permissions (its QueueNamePrefix narrows it); DeleteQueue only on the prefix.
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:ListQueues'], resources: ['*'] }))
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:DeleteQueue'], resources: [queuesArn] }))
    this.callbackCleanup = new CustomResource(this, 'CallbackQueueCleanup', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::CallbackQueueCleanup',
      properties: { NamePrefix: props.callbackQueuePrefix },
    })

    if (props.tls) {
      const secretName = `${props.prefix}/smpp-tls`
      const secretArn = stack.formatArn({
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: `${secretName}-*`, // Secrets Manager appends a 6-character suffix
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['secretsmanager:DescribeSecret', 'secretsmanager:CreateSecret', 'secretsmanager:DeleteSecret'],
          resources: [secretArn],
        }),
      )
      const cert = new CustomResource(this, 'TlsCertificate', {
        serviceToken: fn.functionArn,
        resourceType: 'Custom::TlsCertificate',
        properties: { SecretName: secretName, CommonName: props.tls.commonName, RetainOnDelete: String(props.retain) },
      })
      this.tlsSecret = Secret.fromSecretCompleteArn(this, 'TlsSecret', cert.getAttString('SecretArn'))
    }
  }
}
