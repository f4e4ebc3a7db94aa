import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib'
import { GatewayVpcEndpointAwsService, type IVpc, Vpc } from 'aws-cdk-lib/aws-ec2'
import { Secret as EcsSecret } from 'aws-cdk-lib/aws-ecs'
import { PolicyStatement } from 'aws-cdk-lib/aws-iam'
import { Secret as SecretsManagerSecret } from 'aws-cdk-lib/aws-secretsmanager'
import { Topic } from 'aws-cdk-lib/aws-sns'
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions'
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs'
import type { Construct } from 'constructs'
import { EnvKeys } from '../../lib/config'
import { CallbackDlqName, CallbackQueue, physicalName, type QueueName, Queues, type TableName } from '../../lib/resources'
import { AccessByRuntime, type Runtime } from './access'
import { Bootstrap } from './bootstrap'
import { platformDashboard } from './dashboard'
import { DueSweep } from './due-sweep'
import { callbackQueuesArn, type EnvTarget, type TableAccess, useCallbackQueues, useQueue, useTable } from './grants'
import { PlatformApi } from './http-api'
import { acknowledgeNagFindings } from './nag'
import { PipelineQueue } from './pipeline-queue'
import { PlatformAlarms } from './platform-alarms'
import { QueueWorker } from './queue-worker'
import { SandboxUpstream } from './sandbox-upstream'
import { SmppService } from './smpp-service'
import type { StageConfig } from './stage'
import { PlatformTables } from './tables'

export interface PlatformStackProps extends StackProps {
  cfg: StageConfig
}

/** Upstream credentials live in Secrets Manager under this prefix; an upstream's secretRef names one. */
export const UpstreamSecretsEnv = EnvKeys.upstreamSecretPrefix

/** The whole platform in one stack: tables, the pipeline's queue workers, the API, the SMPP node, alarms. */
export class PlatformStack extends Stack {
  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props)
    const { cfg } = props
    const removalPolicy = cfg.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY
    const alarmTopic = new Topic(this, 'Alarms', { displayName: `${cfg.prefix} alarms`, enforceSSL: true })
    if (cfg.alarmEmail) alarmTopic.addSubscription(new EmailSubscription(cfg.alarmEmail))

    const { tables } = new PlatformTables(this, 'Tables', { prefix: cfg.prefix, protect: cfg.protectData })
    const common = { prefix: cfg.prefix, memoryMiB: cfg.lambdaMemoryMiB, logRetentionDays: cfg.logRetentionDays, removalPolicy, alarmTopic }
    const workers = {
      submit: new QueueWorker(this, 'SubmitWorker', {
        ...common,
        queue: Queues.submit,
        entry: 'submit',
        maxConcurrency: cfg.workerConcurrency.submit,
      }),
      dispatch: new QueueWorker(this, 'DispatchWorker', {
        ...common,
        queue: Queues.dispatch,
        entry: 'dispatch',
        maxConcurrency: cfg.workerConcurrency.dispatch,
        secretsExtension: true,
      }),
      receipts: new QueueWorker(this, 'DlrWorker', {
        ...common,
        queue: Queues.receipts,
        entry: 'dlr',
        maxConcurrency: cfg.workerConcurrency.receipts,
      }),
      // Receipts and MO to accounts' webhooks, signed, retried with backoff (lib/domain/webhook-send.ts).
      webhook: new QueueWorker(this, 'WebhookWorker', {
        ...common,
        queue: Queues.webhook,
        entry: 'webhook',
        maxConcurrency: cfg.workerConcurrency.receipts,
      }),
    }
    // Queues without a Lambda consumer (consumed by a Fargate-side process): the queue, DLQ and alarm only.
    const others = (Object.keys(Queues) as QueueName[]).filter((q) => !(q in workers))
    const plain = others.map((q) => new PipelineQueue(this, `${q[0].toUpperCase()}${q.slice(1)}Queue`, { ...common, queue: Queues[q] }))
    const queues = Object.fromEntries([
      ...Object.entries(workers).map(([q, w]) => [q, w.queue]),
      ...others.map((q, i) => [q, plain[i].queue]),
    ]) as Record<QueueName, Queue>
    const api = new PlatformApi(this, 'Api', { ...common, throttle: cfg.api })
    const due = new DueSweep(this, 'DueSweep', common)
    // Test access out of the box (issue 19): the sandbox upstream and its registration as upstream 'sandbox'.
    const sandbox = new SandboxUpstream(this, 'Sandbox', common)
    const vpc = this.vpc(cfg)
    const smpp = new SmppService(this, 'Smpp', { vpc, cfg, removalPolicy })

    const callbackPrefix = physicalName(cfg.prefix, CallbackQueue.namePrefix)
    // One DLQ for every node's callback queue, owned by the stack (its alarm is in PlatformAlarms): the nodes create
    // their queues at run time, so per-node DLQs could have no alarm. Named outside the callback prefix, so no node
    // (which may delete queues under that prefix) and no teardown sweep can delete it.
    const callbackDlq = new Queue(this, 'CallbackDlq', {
      queueName: physicalName(cfg.prefix, CallbackDlqName),
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy,
    })
    const callback = { namePrefix: callbackPrefix, arn: callbackQueuesArn(this, callbackPrefix) }
    const container = smpp.taskDefinition.defaultContainer!
    const targets: Record<Runtime, EnvTarget> = {
      submit: workers.submit.fn,
      dispatch: workers.dispatch.fn,
      dlr: workers.receipts.fn,
      api: api.fn,
      due: due.fn,
      webhook: workers.webhook.fn,
      sandbox: sandbox.fn,
      sandboxSetup: sandbox.setupFn,
      node: { grantPrincipal: smpp.taskDefinition.taskRole, addEnvironment: (k, v) => container.addEnvironment(k, v) },
    }
    for (const [runtime, target] of Object.entries(targets) as [Runtime, EnvTarget][]) {
      const access = AccessByRuntime[runtime]
      // useTable and useQueue set the name and grant the actions together: a runtime's env holds exactly
      // the tables and queues its declaration names (lib/runtimes.ts), the ones loadConfig(runtime) reads.
      for (const [t, mode] of Object.entries(access.tables) as [TableName, TableAccess][]) {
        useTable(target, t, tables[t], mode, { scan: access.scan?.includes(t) })
      }
      for (const q of access.send) useQueue(target, q, queues[q], 'send')
      for (const q of access.consume ?? []) useQueue(target, q, queues[q], 'consume')
      if (access.callback) useCallbackQueues(target, callback, access.callback)
      else target.addEnvironment(EnvKeys.callbackQueuePrefix, callbackPrefix)
    }
    targets.node.addEnvironment(EnvKeys.callbackDlqArn, callbackDlq.queueArn)

    // Upstream credentials: created by the operator in Secrets Manager (docs/DEPLOY.md), never in this
    // template. Read by whoever talks to upstreams: the dispatch function (HTTP) and the node's bind pool (SMPP).
    const secretPrefix = `${cfg.prefix}/upstream/`
    const secretsArn = this.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${secretPrefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    })
    for (const target of [targets.dispatch, targets.node]) {
      target.addEnvironment(UpstreamSecretsEnv, secretPrefix)
      target.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretsArn] }),
      )
    }
    // The node also gets the secrets named in context as SECRET_<REF> env vars (lib/config.ts EnvKeys.secret,
    // read by envSecrets), which ECS resolves at task start: the values never enter the template or the task definition.
    for (const ref of cfg.upstreamSecrets) {
      const secret = SecretsManagerSecret.fromSecretNameV2(this, `UpstreamSecret-${ref}`, `${secretPrefix}${ref}`)
      container.addSecret(EnvKeys.secret(ref), EcsSecret.fromSecretsManager(secret))
    }

    // Run-time resources CloudFormation cannot make or clean up itself (infra/cdk/bootstrap.ts): the 3443 certificate
    // when no ACM one is given, and at `cdk destroy` the callback queues of killed tasks. The service depends on the
    // cleanup, so CloudFormation deletes the service (its nodes delete their own queues on drain) before it runs.
    const bootstrap = new Bootstrap(this, 'Bootstrap', {
      prefix: cfg.prefix,
      callbackQueuePrefix: callbackPrefix,
      tls: cfg.certificateArn ? undefined : { commonName: smpp.nlb.loadBalancerDnsName },
      retain: cfg.protectData,
      removalPolicy,
    })
    smpp.service.node.addDependency(bootstrap.callbackCleanup)
    if (bootstrap.tlsSecret) smpp.serveTls(bootstrap.tlsSecret)

    const platformAlarms = new PlatformAlarms(this, 'PlatformAlarms', {
      topic: alarmTopic,
      queues,
      callbackDlq,
      tables: Object.values(tables),
      smpp,
      minTasks: cfg.node.minTasks,
      functions: ['submit', 'dispatch', 'dlr', 'webhook'],
    })
    const alarms = [
      ...Object.values(workers).flatMap((w) => w.alarms),
      ...plain.map((p) => p.alarm),
      ...api.alarms,
      ...due.alarms,
      ...sandbox.alarms,
      ...platformAlarms.alarms,
    ]
    const pipeline = [...Object.values(workers), ...plain]
    platformDashboard(this, {
      name: cfg.prefix,
      workers: Object.values(workers),
      queues: pipeline,
      api,
      smpp,
      tables: Object.values(tables),
      alarms,
      callbackDlq,
    })

    acknowledgeNagFindings(this, { tables: Object.values(tables), prefix: cfg.prefix, callbackPrefix })

    new CfnOutput(this, 'SmppEndpoint', { value: smpp.nlb.loadBalancerDnsName, description: 'ESMEs connect here: TCP 2775, TLS 3443' })
    new CfnOutput(this, 'TlsMode', {
      value: smpp.tlsMode,
      description: 'acm: TLS ends at the NLB; passthrough: at the node, with the certificate in the TlsSecretName secret',
    })
    if (bootstrap.tlsSecret) new CfnOutput(this, 'TlsSecretName', { value: `${cfg.prefix}/smpp-tls` })
    new CfnOutput(this, 'Prefix', { value: cfg.prefix, description: 'npm run admin -- --prefix <this>: the first admin API key' })
    new CfnOutput(this, 'ApiUrl', { value: api.stage.url })
    new CfnOutput(this, 'SandboxUrl', { value: sandbox.url.url, description: 'the sandbox upstream (registered as upstream sandbox)' })
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn })
  }

  private vpc(cfg: StageConfig): IVpc {
    if (cfg.vpcId) return Vpc.fromLookup(this, 'Vpc', { vpcId: cfg.vpcId })
    const vpc = new Vpc(this, 'Vpc', { maxAzs: 2, natGateways: cfg.natGateways })
    // DynamoDB through a gateway endpoint: free, and the nodes' table traffic skips the NAT gateway.
    vpc.addGatewayEndpoint('Dynamo', { service: GatewayVpcEndpointAwsService.DYNAMODB })
    return vpc
  }
}
