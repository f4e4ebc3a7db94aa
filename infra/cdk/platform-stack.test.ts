import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { App, Validations } from 'aws-cdk-lib'
import { Match, Template } from 'aws-cdk-lib/assertions'
import { AwsSolutionsChecks } from 'cdk-nag'
import { beforeAll, describe, expect, it } from 'vitest'
import { EnvKeys, loadConfig } from '../../lib/config'
import { MetricDimensions, MetricNames, MetricNamespace, MetricServices } from '../../lib/observability/names'
import {
  CallbackDlqName,
  CallbackQueue,
  dispatchTimeoutSec,
  dlqName,
  physicalName,
  type QueueName,
  Queues,
  type TableName,
  Tables,
} from '../../lib/resources'
import { queuesOf, type Runtime, tablesOf } from '../../lib/runtimes'
import { AccessByRuntime } from './access'
import { CallbackOwnerActions } from './grants'
import { PlatformStack } from './platform-stack'
import { DeregistrationDelaySec } from './smpp-service'
import { stackName, stageConfig } from './stage'
import { allStatements, functionId, functionRole, type Grant, grantsOf, logicalIdStartingWith, logicalIdWhere } from './template-query'

// No AWS credentials needed: an explicit dummy account and region, and NodejsFunction bundling skipped
// (infra/bundle.test.ts builds the same bundles with the same settings and runs them).
const env = { account: '123456789012', region: 'us-east-1' }
const synth = (context: Record<string, unknown> = {}) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } })
  const cfg = stageConfig((k) => app.node.tryGetContext(k))
  const stack = new PlatformStack(app, 'Smpp', { cfg, env })
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app))
  const assembly = app.synth()
  // CDK validates the templates against CloudFormation's schemas and rules on every synth.
  const reportFile = join(assembly.directory, 'validation-report.json')
  const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : { pluginReports: [] }
  // cdk-nag's AwsSolutions pack (a policy validation plugin) writes each unacknowledged finding into the report.
  const nag = report.pluginReports
    .filter((r: { pluginName?: string }) => r.pluginName?.includes('AwsSolutions'))
    .flatMap((r: { violations?: { ruleName: string; violatingResources: { locations: string[] }[] }[] }) => r.violations ?? [])
    .map(
      (v: { ruleName: string; violatingResources: { resourceLogicalId?: string; locations?: string[] }[] }) =>
        `${v.ruleName}: ${v.violatingResources.map((x) => x.locations?.[0] ?? x.resourceLogicalId).join(', ')}`,
    )
  return { cfg, template: Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template), report, nag }
}

/**
 * A runtime's env in the template names exactly the tables and queues lib/runtimes.ts declares for it, the
 * ones the stack grants, and loadConfig(runtime) starts on it: config and grants come from one declaration.
 */
function expectRuntimeEnv(runtime: Runtime, vars: Record<string, unknown>) {
  const named = (prefix: string) => Object.keys(vars).filter((k) => k.startsWith(prefix) && (prefix !== 'QUEUE_' || k.endsWith('_URL')))
  expect(new Set(named('TABLE_')), runtime).toEqual(new Set(tablesOf(runtime).map(EnvKeys.table)))
  expect(new Set(named('QUEUE_')), runtime).toEqual(new Set(queuesOf(runtime).map(EnvKeys.queue)))
  // Token values (Ref, Fn::GetAtt) stand for the physical names; loadConfig only needs them present.
  const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))
  const cfg = loadConfig(runtime, env)
  expect(Object.keys(cfg.tables).sort(), runtime).toEqual(Object.keys(AccessByRuntime[runtime].tables).sort())
}

const taskRole = (t: Template) => logicalIdStartingWith(t, 'AWS::IAM::Role', 'SmppTaskTaskRole')

const tableNames = Object.keys(Tables) as TableName[]
const queueNames = Object.keys(Queues) as QueueName[]
const workerQueues: QueueName[] = ['submit', 'dispatch', 'receipts', 'webhook']

describe('PlatformStack (dev)', () => {
  let t: Template
  let report: { pluginReports: { violations?: unknown[] }[] }
  let nag: string[]
  beforeAll(() => {
    ;({ template: t, report, nag } = synth())
  }, 120_000)

  // Issue 15: every finding is fixed or suppressed with its reason in infra/cdk/nag.ts.
  it('passes cdk-nag (AwsSolutions) with no unsuppressed finding', () => {
    expect(nag).toEqual([])
  })

  it('synthesizes without AWS credentials, and CloudFormation validation finds nothing', () => {
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([])
    expect(Object.keys(t.toJSON().Resources).length).toBeGreaterThan(50)
  })

  it('creates every table on demand, with point-in-time recovery, TTL and indexes, and no deletion protection', () => {
    t.resourceCountIs('AWS::DynamoDB::Table', tableNames.length)
    for (const name of tableNames) {
      const def = Tables[name]
      t.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Delete',
        Properties: Match.objectLike({
          TableName: physicalName('smpp-dev', def.name),
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: false,
          TimeToLiveSpecification: 'ttlAttribute' in def ? { AttributeName: def.ttlAttribute, Enabled: true } : Match.absent(),
          GlobalSecondaryIndexes:
            'indexes' in def
              ? def.indexes.map((i) => Match.objectLike({ IndexName: i.name, Projection: { ProjectionType: 'KEYS_ONLY' } }))
              : Match.absent(),
        }),
      })
    }
  })

  it('creates every queue of Queues with its DLQ and redrive', () => {
    for (const q of queueNames) {
      const dlqId = logicalIdWhere(t, 'AWS::SQS::Queue', 'QueueName', `smpp-dev-${q}-dlq`)
      t.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `smpp-dev-${q}`,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: Queues[q].maxReceiveCount },
      })
    }
    // Plus the one callback DLQ every node's callback queue redrives to, named outside the callback prefix.
    t.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: physicalName('smpp-dev', CallbackDlqName),
      MessageRetentionPeriod: 14 * 86_400,
    })
    t.resourceCountIs('AWS::SQS::Queue', queueNames.length * 2 + 1)
    expect(physicalName('smpp-dev', CallbackDlqName).startsWith(physicalName('smpp-dev', CallbackQueue.namePrefix))).toBe(false)
  })

  it('times dispatch by the formula of docs/PIPELINE.md: 4 sends of the longest allowed upstream timeout, plus the pauses', () => {
    const fn = t.findResources('AWS::Lambda::Function')[functionId(t, 'DispatchWorker')].Properties
    expect(fn.Timeout).toBeGreaterThanOrEqual((4 * 60_000 + 1_400) / 1000)
    expect(fn.Timeout).toBe(dispatchTimeoutSec)
  })

  it('feeds each worker queue to its function, with a visibility timeout six times the function timeout', () => {
    const fns = t.findResources('AWS::Lambda::Function')
    const mappings = Object.values(t.findResources('AWS::Lambda::EventSourceMapping'))
    expect(mappings).toHaveLength(workerQueues.length)
    for (const q of workerQueues) {
      const def = Queues[q]
      const dlqId = logicalIdWhere(t, 'AWS::SQS::Queue', 'QueueName', physicalName('smpp-dev', dlqName(def.name)))
      const queueId = logicalIdWhere(t, 'AWS::SQS::Queue', 'QueueName', physicalName('smpp-dev', def.name))
      const queue = t.findResources('AWS::SQS::Queue')[queueId].Properties
      expect(queue.VisibilityTimeout).toBe(def.visibilityTimeoutSec)
      expect(queue.MessageRetentionPeriod).toBe(def.retentionSec)
      expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: def.maxReceiveCount })
      const mapping = mappings.find((m) => m.Properties.EventSourceArn['Fn::GetAtt'][0] === queueId)!.Properties
      expect(mapping).toMatchObject({ BatchSize: def.batchSize, FunctionResponseTypes: ['ReportBatchItemFailures'] })
      expect(mapping.ScalingConfig.MaximumConcurrency).toBeGreaterThanOrEqual(2)
      const fn = fns[mapping.FunctionName.Ref].Properties
      expect(fn.Timeout * 6).toBeLessThanOrEqual(def.visibilityTimeoutSec)
    }
  })

  it('runs five ARM64 Node.js 22 functions whose env is what loadConfig reads for their runtime', () => {
    const byRuntime = {
      submit: 'SubmitWorker',
      dispatch: 'DispatchWorker',
      dlr: 'DlrWorker',
      api: 'Api',
      due: 'DueSweep',
      webhook: 'WebhookWorker',
    } as const
    const fns = t.findResources('AWS::Lambda::Function')
    for (const [runtime, prefix] of Object.entries(byRuntime)) {
      const fn = fns[functionId(t, prefix)]
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' })
      const vars = fn.Properties.Environment.Variables
      expectRuntimeEnv(runtime as Runtime, vars)
      expect(vars[EnvKeys.callbackQueuePrefix]).toBe('smpp-dev-callback-')
      expect(vars[EnvKeys.dynamoEndpoint]).toBeUndefined()
    }
  })

  it('grants no wildcard action on DynamoDB or SQS anywhere in the template', () => {
    const actions = allStatements(t)
      .filter((s) => s.Effect !== 'Deny') // the queues' deny of non-TLS access (sqs:*) narrows, it grants nothing
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
    expect(actions.length).toBeGreaterThan(20)
    const wild = actions.filter((a) => a === '*' || /^(dynamodb|sqs):.*\*/i.test(a))
    expect(wild).toEqual([])
  })

  it('gives each function and the node exactly the table and queue actions their access entries name', () => {
    const tableIds = Object.fromEntries(tableNames.map((n) => [logicalIdWhere(t, 'AWS::DynamoDB::Table', 'TableName', `smpp-dev-${n}`), n]))
    const queueIds = Object.fromEntries(queueNames.map((q) => [logicalIdWhere(t, 'AWS::SQS::Queue', 'QueueName', `smpp-dev-${q}`), q]))
    const onTables = (grants: Grant[]) =>
      grants.filter((g) => g.action.startsWith('dynamodb:') && tableIds[g.resource]).map((g) => `${tableIds[g.resource]} ${g.action}`)
    const sends = (grants: Grant[]) =>
      grants.filter((g) => g.action === 'sqs:SendMessage' && queueIds[g.resource]).map((g) => queueIds[g.resource])
    const roles = {
      submit: functionRole(t, 'SubmitWorker'),
      dispatch: functionRole(t, 'DispatchWorker'),
      dlr: functionRole(t, 'DlrWorker'),
      api: functionRole(t, 'Api'),
      due: functionRole(t, 'DueSweep'),
      webhook: functionRole(t, 'WebhookWorker'),
      node: taskRole(t),
    }
    for (const [runtime, role] of Object.entries(roles) as [keyof typeof roles, string][]) {
      const grants = grantsOf(t, role)
      const access = AccessByRuntime[runtime]
      const want = Object.entries(access.tables).flatMap(([table, mode]) =>
        [
          ...(mode !== 'write' ? ['GetItem', 'BatchGetItem', 'Query'] : []),
          ...(mode !== 'read' ? ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'] : []),
          'ConditionCheckItem',
          ...(access.scan?.includes(table as TableName) ? ['Scan'] : []),
        ].map((a) => `${table} dynamodb:${a}`),
      )
      expect(new Set(onTables(grants)), runtime).toEqual(new Set(want))
      // Index queries need the index ARNs too, only on tables the function may read.
      for (const g of grants.filter((g) => g.resource.endsWith('/index/*'))) expect(g.action).toMatch(/^dynamodb:/)
      expect(new Set(sends(grants)), runtime).toEqual(new Set(access.send))
      const receives = grants.filter((g) => g.action === 'sqs:ReceiveMessage' && queueIds[g.resource]).map((g) => queueIds[g.resource])
      // The API, the node and the due sweep (an EventBridge rule) have no event-source queue.
      const consumed = runtime === 'api' || runtime === 'node' || runtime === 'due' ? [] : [runtime === 'dlr' ? 'receipts' : runtime]
      expect(new Set(receives), runtime).toEqual(new Set([...consumed, ...(access.consume ?? [])]))
      expect(
        grants.some((g) => g.action.startsWith('dynamodb:') && g.resource === '*'),
        runtime,
      ).toBe(false)
    }
  })

  it('lets the nodes manage their own callback queues, and the pipeline only send to them, by name prefix', () => {
    const prefixArn = `arn:aws:sqs:us-east-1:123456789012:${physicalName('smpp-dev', CallbackQueue.namePrefix)}*`
    const callbackActions = (role: string) => grantsOf(t, role).filter((g) => g.resource.endsWith('smpp-dev-callback-*'))
    expect(new Set(callbackActions(taskRole(t)).map((g) => g.action))).toEqual(new Set(CallbackOwnerActions))
    for (const g of callbackActions(taskRole(t))) expect(g.resource.replace('arn:AWS::Partition:', 'arn:aws:')).toBe(prefixArn)
    for (const prefix of ['SubmitWorker', 'DispatchWorker', 'DlrWorker']) {
      expect(
        callbackActions(functionRole(t, prefix)).map((g) => g.action),
        prefix,
      ).toEqual(['sqs:SendMessage'])
    }
    expect(callbackActions(functionRole(t, 'Api'))).toEqual([])
  })

  it('runs the node on ARM64 Fargate with PROXY v2 on, no NODE_ID, and a stop timeout longer than its drain', () => {
    const [task] = Object.values(t.findResources('AWS::ECS::TaskDefinition'))
    expect(task.Properties.RuntimePlatform).toEqual({ CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' })
    const [container] = task.Properties.ContainerDefinitions
    const vars = Object.fromEntries(container.Environment.map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]))
    expect(vars).toMatchObject({ SMPP_PORT: '2775', SMPP_PROXY_PROTOCOL: 'true', HEALTH_PORT: '8081', DRAIN_TIMEOUT_MS: '20000' })
    expect(vars[EnvKeys.callbackQueuePrefix]).toBe('smpp-dev-callback-')
    expect(vars[EnvKeys.nodeId]).toBeUndefined() // the image derives it from the ECS task id
    // Issue 13, item 2: a PROXY header is believed only from the NLB's subnets, never from anywhere.
    const trusted = JSON.stringify(vars.SMPP_PROXY_TRUSTED)
    expect(trusted).toMatch(/\d+\.\d+\.\d+\.\d+\/\d+/)
    expect(trusted).not.toContain('0.0.0.0/0')
    expectRuntimeEnv('node', vars)
    expect(container.StopTimeout).toBeGreaterThan(20)
    expect(container.HealthCheck.Command.join(' ')).toContain('/health')
  })

  // Issue 15: 3443 in every stage. Without a certificate the NLB passes TLS through to the node's own listener.
  it('offers 2775 and, without a certificate, 3443 as TLS passthrough to the node, both with PROXY v2', () => {
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2)
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 2775, Protocol: 'TCP' })
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 3443, Protocol: 'TCP' })
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network', Scheme: 'internet-facing' })
    const tgs = Object.values(t.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')).map((r) => r.Properties)
    expect(tgs.map((tg) => tg.Port).sort()).toEqual([2775, 3443])
    for (const tg of tgs) {
      expect(tg).toMatchObject({
        Protocol: 'TCP',
        TargetType: 'ip',
        HealthCheckProtocol: 'HTTP',
        HealthCheckPort: '8081',
        HealthCheckPath: '/health',
      })
      const attrs = Object.fromEntries(tg.TargetGroupAttributes.map((a: { Key: string; Value: string }) => [a.Key, a.Value]))
      expect(attrs['proxy_protocol_v2.enabled']).toBe('true')
      expect(attrs['preserve_client_ip.enabled']).toBe('false') // the PROXY header carries the client's address
      // SIGTERM comes after the delay: short, and neither deregistration nor the draining 503 cuts the sessions.
      expect(Number(attrs['deregistration_delay.timeout_seconds'])).toBe(DeregistrationDelaySec)
      expect(attrs['deregistration_delay.connection_termination.enabled']).toBe('false')
      expect(attrs['target_health_state.unhealthy.connection_termination.enabled']).toBe('false')
    }
    // The node serves the certificate the bootstrap custom resource keeps in Secrets Manager, injected by ECS.
    t.resourceCountIs('Custom::TlsCertificate', 1)
    const [task] = Object.values(t.findResources('AWS::ECS::TaskDefinition'))
    const [container] = task.Properties.ContainerDefinitions
    expect(container.Secrets.map((s: { Name: string }) => s.Name).sort()).toEqual([EnvKeys.tlsCertPem, EnvKeys.tlsKeyPem])
    expect(JSON.stringify(container.Secrets)).toContain(':cert::')
    expect(container.PortMappings.map((m: { ContainerPort: number }) => m.ContainerPort)).toEqual([2775, 3443, 8081])
  })

  // Issue 13, CDK half: no public task IPs, and the tasks admit only the NLB; the NLB admits the allowed ranges.
  it('gives tasks no public IP and admits SMPP to them only from the NLB security group', () => {
    const [svc] = Object.values(t.findResources('AWS::ECS::Service')).map((r) => r.Properties)
    expect(svc.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED')
    const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties)
    for (const port of [2775, 3443, 8081]) {
      const rule = ingress.find((r) => r.FromPort === port && r.GroupId?.['Fn::GetAtt']?.[0]?.startsWith('SmppTaskSg'))
      expect(rule?.SourceSecurityGroupId?.['Fn::GetAtt']?.[0], String(port)).toMatch(/^SmppNlbSg/)
    }
    const sgs = Object.values(t.findResources('AWS::EC2::SecurityGroup')).map((r) => r.Properties)
    const nlbSg = sgs.find((g) => g.GroupDescription.startsWith('SMPP NLB'))!
    expect(nlbSg.SecurityGroupIngress.map((r: { CidrIp: string; FromPort: number }) => `${r.CidrIp}:${r.FromPort}`).sort()).toEqual([
      '0.0.0.0/0:2775',
      '0.0.0.0/0:3443',
    ])
    expect(sgs.find((g) => g.GroupDescription === 'SMPP node tasks')!.SecurityGroupIngress ?? []).toEqual([])
  })

  // Issue 15: callback queues made at run time are deleted at teardown, after the service that made them.
  it('sweeps the callback queues at teardown, after the SMPP service is gone', () => {
    const cleanups = t.findResources('Custom::CallbackQueueCleanup')
    expect(Object.values(cleanups).map((r) => r.Properties.NamePrefix)).toEqual(['smpp-dev-callback-'])
    const [svc] = Object.values(t.findResources('AWS::ECS::Service'))
    expect(svc.DependsOn).toContain(Object.keys(cleanups)[0])
  })

  // Issue 17: the webhook sender backs a failed record off by setting its visibility, on its own queue only.
  it('runs the webhook sender on its queue with partial batch failures, allowed to change its records\u2019 visibility', () => {
    const queueId = logicalIdWhere(t, 'AWS::SQS::Queue', 'QueueName', physicalName('smpp-dev', Queues.webhook.name))
    const mapping = Object.values(t.findResources('AWS::Lambda::EventSourceMapping')).find(
      (m) => m.Properties.EventSourceArn['Fn::GetAtt'][0] === queueId,
    )!.Properties
    expect(mapping.FunctionName.Ref).toBe(functionId(t, 'WebhookWorker'))
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures'])
    const grants = grantsOf(t, functionRole(t, 'WebhookWorker'))
    expect(grants.filter((g) => g.action === 'sqs:ChangeMessageVisibility').map((g) => g.resource)).toContain(queueId)
    const vars = t.findResources('AWS::Lambda::Function')[functionId(t, 'WebhookWorker')].Properties.Environment.Variables
    expect(vars[EnvKeys.queue('webhook')]).toEqual({ Ref: queueId })
  })

  // Issue 15: two target-tracking policies (scale in only when both agree), no step policy with one threshold.
  it('scales the node on CPU and on sessions per task, both by target tracking', () => {
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 2 })
    const policies = Object.values(t.findResources('AWS::ApplicationAutoScaling::ScalingPolicy')).map((r) => r.Properties)
    expect(policies.map((p) => p.PolicyType)).toEqual(['TargetTrackingScaling', 'TargetTrackingScaling'])
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    })
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 200,
        CustomizedMetricSpecification: Match.objectLike({
          MetricName: MetricNames.Sessions,
          Namespace: MetricNamespace,
          Statistic: 'Average',
        }),
      }),
    })
  })

  it('serves the API on an HTTP API with a default stage throttle', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' })
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    })
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' })
  })

  // Issue 14: the due-time sweep is an EventBridge rule every minute on one function, one run at a time.
  it('runs the due-time sweep every minute from EventBridge, one run at a time, ending before the next', () => {
    const fnId = functionId(t, 'DueSweep')
    const fn = t.findResources('AWS::Lambda::Function')[fnId].Properties
    expect(fn).toMatchObject({ ReservedConcurrentExecutions: 1, Timeout: 50 })
    const rules = Object.values(t.findResources('AWS::Events::Rule')).map((r) => r.Properties)
    const rule = rules.find((r) => r.Targets?.some((x: { Arn?: { 'Fn::GetAtt'?: string[] } }) => x.Arn?.['Fn::GetAtt']?.[0] === fnId))
    expect(rule).toMatchObject({ ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' })
    const permissions = Object.values(t.findResources('AWS::Lambda::Permission')).map((p) => p.Properties)
    expect(permissions.some((p) => p.Principal === 'events.amazonaws.com' && p.FunctionName?.['Fn::GetAtt']?.[0] === fnId)).toBe(true)
  })

  it('alarms on every DLQ, on Lambda errors and throttles and on node health, and has a dashboard', () => {
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties)
    for (const q of queueNames) {
      const dlqId = logicalIdWhere(t, 'AWS::SQS::Queue', 'QueueName', `smpp-dev-${q}-dlq`)
      const alarm = alarms.find((a) => a.Dimensions?.[0]?.Value?.['Fn::GetAtt']?.[0] === dlqId)
      expect(alarm, q).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      })
    }
    expect(alarms.filter((a) => a.MetricName === 'Errors' && a.Namespace === 'AWS/Lambda')).toHaveLength(7) // submit, dispatch, dlr, webhook, api, due, sandbox
    expect(alarms.filter((a) => a.MetricName === 'Throttles' && a.Namespace === 'AWS/Lambda')).toHaveLength(7)
    expect(alarms.filter((a) => a.MetricName === 'HealthyHostCount')).toHaveLength(2) // both target groups
    expect(alarms.find((a) => a.MetricName === 'HealthyHostCount')).toMatchObject({ ComparisonOperator: 'LessThanThreshold', Threshold: 1 })
    expect(alarms.filter((a) => a.MetricName === 'UnHealthyHostCount')).toHaveLength(2)
    expect(alarms.every((a) => a.AlarmActions?.length === 1)).toBe(true)
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1)
  })

  // Issue 15: an outage of any stage fires an alarm; the names are the ones the code emits (lib/observability/names.ts).
  it('alarms on queue age, deadline misses, failed records, DynamoDB throttles and the callback DLQ', () => {
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties)
    const age = alarms.filter((a) => a.MetricName === 'ApproximateAgeOfOldestMessage')
    expect(age).toHaveLength(queueNames.length)
    const platform = (name: string) => alarms.filter((a) => a.MetricName === name && a.Namespace === MetricNamespace)
    expect(platform(MetricNames.DeadlineMissed)).toHaveLength(1)
    expect(platform(MetricNames.DeadlineMissed)[0].Dimensions).toEqual([{ Name: MetricDimensions.Service, Value: MetricServices.node }])
    const failed = platform(MetricNames.RecordsFailed).map((a) => a.Dimensions.find((d: { Name: string }) => d.Name === 'Function').Value)
    expect(failed.sort()).toEqual(['dispatch', 'dlr', 'submit', 'webhook'])
    // Issue 13: stored receipts and MO that expired undelivered, counted by the due sweep (lib/domain/pending-expiry.ts).
    expect(platform(MetricNames.CallbacksExpired)).toMatchObject([
      {
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: expect.arrayContaining([{ Name: MetricDimensions.Function, Value: 'due' }]),
      },
    ])
    const throttles = alarms.filter((a) => a.Metrics?.some((m: { Expression?: string }) => m.Expression === 'r + w'))
    expect(throttles).toHaveLength(tableNames.length)
    const callbackDlq = logicalIdWhere(t, 'AWS::SQS::Queue', 'QueueName', physicalName('smpp-dev', CallbackDlqName))
    expect(alarms.some((a) => a.Dimensions?.[0]?.Value?.['Fn::GetAtt']?.[0] === callbackDlq)).toBe(true)
  })

  it('keeps upstream secrets out of the template: only what talks to upstreams reads them, by name prefix', () => {
    // The secrets the stack creates are generated at deploy (never in the template): the API's cursor key and the
    // sandbox upstream's bearer secret (issue 19, infra/cdk/sandbox-upstream.test.ts), no carrier's.
    const secrets = Object.values(t.findResources('AWS::SecretsManager::Secret'))
    expect(secrets.map((r) => r.Properties.Description)).toEqual([
      'HMAC key of the API ledger cursors',
      expect.stringMatching(/^Bearer secret of the sandbox upstream/),
    ])
    for (const s of secrets) expect(s.Properties.GenerateSecretString).toBeDefined()
    const readers = Object.keys(t.findResources('AWS::IAM::Role')).filter((role) =>
      grantsOf(t, role).some((g) => g.action === 'secretsmanager:GetSecretValue' && g.resource.includes('/upstream/')),
    )
    expect(new Set(readers)).toEqual(new Set([functionRole(t, 'DispatchWorker'), taskRole(t)]))
    for (const role of readers) {
      const grants = grantsOf(t, role).filter((g) => g.action === 'secretsmanager:GetSecretValue' && g.resource.includes('/upstream/'))
      expect(grants.map((g) => g.resource.replace(/^.*:secret:/, ''))).toEqual(['smpp-dev/upstream/*'])
    }
  })
})

describe('PlatformStack (prod)', () => {
  it('protects the data, adds the TLS listener with the given certificate, and sizes up', () => {
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/abc'
    const { template: t, nag } = synth({ stage: 'prod', certificateArn, upstreamSecrets: 'carrier-a' })
    expect(nag).toEqual([])
    for (const table of Object.values(t.findResources('AWS::DynamoDB::Table'))) {
      expect(table).toMatchObject({ DeletionPolicy: 'Retain', Properties: { DeletionProtectionEnabled: true } })
    }
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 3443,
      Protocol: 'TLS',
      Certificates: [{ CertificateArn: certificateArn }],
    })
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2)
    // TLS ends at the NLB: both target groups forward to the node's 2775, and no certificate secret is made.
    const tgs = Object.values(t.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')).map((r) => r.Properties.Port)
    expect(tgs).toEqual([2775, 2775])
    t.resourceCountIs('Custom::TlsCertificate', 0)
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 })
    t.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'smpp-prod-ledger' })
    // Named upstream secrets reach the node as SECRET_<REF>, resolved by ECS at task start.
    const [task] = Object.values(t.findResources('AWS::ECS::TaskDefinition'))
    const secrets = task.Properties.ContainerDefinitions[0].Secrets
    expect(secrets.map((s: { Name: string }) => s.Name)).toEqual(['SECRET_CARRIER_A'])
    expect(JSON.stringify(secrets[0].ValueFrom)).toContain(':secret:smpp-prod/upstream/carrier-a')
    // The dispatch function reads its secrets through the Parameters and Secrets extension.
    const dispatch = t.findResources('AWS::Lambda::Function')[functionId(t, 'DispatchWorker')]
    expect(dispatch.Properties.Layers).toHaveLength(1)
  }, 120_000)
})

describe('PlatformStack (existing VPC)', () => {
  it('creates no VPC when given one by id', () => {
    // Without credentials the lookup yields CDK's placeholder VPC; the CLI resolves and caches the real one.
    const { template: t } = synth({ vpcId: 'vpc-0123456789abcdef0' })
    t.resourceCountIs('AWS::EC2::VPC', 0)
    t.resourceCountIs('AWS::ECS::Service', 1)
  }, 120_000)
})

describe('stageConfig', () => {
  it('defaults to dev and refuses an unknown stage', () => {
    expect(stageConfig(() => undefined)).toMatchObject({ stage: 'dev', prefix: 'smpp-dev', protectData: false })
    expect(() => stageConfig((k) => (k === 'stage' ? 'qa' : undefined))).toThrow(/dev or prod/)
  })
  it('reads overrides from context', () => {
    const ctx: Record<string, string> = { stage: 'prod', prefix: 'acme', allowedCidrs: '10.0.0.0/8, 192.0.2.0/24', vpcId: 'vpc-1' }
    expect(stageConfig((k) => ctx[k])).toMatchObject({
      stage: 'prod',
      prefix: 'acme',
      allowedCidrs: ['10.0.0.0/8', '192.0.2.0/24'],
      vpcId: 'vpc-1',
    })
  })
})

// Issue 15: another prefix must not rename (and so replace) the tables of the stage's existing stack.
describe('stackName', () => {
  it('is Smpp-<stage> for the default prefix and a stack of its own for any other', () => {
    expect(stackName(stageConfig(() => undefined))).toBe('Smpp-dev')
    expect(stackName(stageConfig((k) => ({ stage: 'prod' })[k]))).toBe('Smpp-prod')
    expect(stackName(stageConfig((k) => ({ prefix: 'x' })[k]))).toBe('Smpp-dev-x')
  })
})
