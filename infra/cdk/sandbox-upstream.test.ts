import { App } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { beforeAll, describe, expect, it } from 'vitest'
import { EnvKeys, loadConfig } from '../../lib/config'
import { physicalName } from '../../lib/resources'
import { PlatformStack } from './platform-stack'
import { SandboxTimeoutMs } from './sandbox-upstream'
import { stageConfig } from './stage'
import { functionId, functionRole, grantsOf, logicalIdStartingWith, logicalIdWhere } from './template-query'

// Issue 19: a new stage has test access out of the box. cdk-nag over the whole stack runs in platform-stack.test.ts.
const env = { account: '123456789012', region: 'us-east-1' }
let t: Template
beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } })
  const stack = new PlatformStack(app, 'Smpp', { cfg: stageConfig((k) => app.node.tryGetContext(k)), env })
  t = Template.fromStack(stack)
}, 120_000)

const fnProps = (prefix: string) => t.findResources('AWS::Lambda::Function')[functionId(t, prefix)].Properties

describe('the sandbox upstream on AWS (issue 19)', () => {
  it('deploys the sandbox function, with the secrets extension and only the receipts queue in its env', () => {
    const fn = fnProps('SandboxFunction')
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler', Timeout: 10 })
    expect(fn.Layers).toHaveLength(1) // AWS Parameters and Secrets extension
    const vars = fn.Environment.Variables
    expect(vars[EnvKeys.upstreamSecretPrefix]).toBe('smpp-dev/upstream/')
    expect(Object.keys(vars).filter((k) => k.startsWith('TABLE_'))).toEqual([])
    expect(Object.keys(vars).filter((k) => k.startsWith('QUEUE_'))).toEqual([EnvKeys.queue('receipts')])
    const cfg = loadConfig('sandbox', Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, JSON.stringify(v)])))
    expect(cfg.queues.receipts).toBeDefined()
  })

  it('alarms on its errors and throttles, to the stack topic', () => {
    const fnId = functionId(t, 'SandboxFunction')
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties)
      .filter((a) => a.Dimensions?.some((d: { Value?: { Ref?: string } }) => d.Value?.Ref === fnId))
    expect(alarms.map((a) => a.MetricName).sort()).toEqual(['Errors', 'Throttles'])
    for (const a of alarms) expect(a.AlarmActions).toHaveLength(1)
  })

  it('serves it on a Function URL that anyone may call, authenticated by the contract bearer secret in the handler', () => {
    const fnId = functionId(t, 'SandboxFunction')
    t.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] } })
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      Principal: '*',
      FunctionUrlAuthType: 'NONE',
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
    })
  })

  it('generates its bearer secret where the dispatch function reads upstream secrets, and lets the sandbox read only that one', () => {
    const secretId = logicalIdWhere(t, 'AWS::SecretsManager::Secret', 'Name', 'smpp-dev/upstream/sandbox')
    const secret = t.findResources('AWS::SecretsManager::Secret')[secretId].Properties
    expect(secret.GenerateSecretString).toMatchObject({ PasswordLength: 40, ExcludePunctuation: true })
    const grants = grantsOf(t, functionRole(t, 'SandboxFunction'))
    expect(grants.filter((g) => g.action.startsWith('secretsmanager:'))).toEqual([
      { action: 'secretsmanager:GetSecretValue', resource: secretId },
      { action: 'secretsmanager:DescribeSecret', resource: secretId },
    ])
    const receipts = logicalIdWhere(t, 'AWS::SQS::Queue', 'QueueName', physicalName('smpp-dev', 'receipts'))
    expect(grants.filter((g) => g.action.startsWith('sqs:'))).toEqual(
      ['sqs:SendMessage', 'sqs:GetQueueUrl', 'sqs:GetQueueAttributes'].map((action) => ({ action, resource: receipts })),
    )
    expect(grants.filter((g) => g.action.startsWith('dynamodb:'))).toEqual([])
    // The dispatch function's upstream-secret grant covers the sandbox's name.
    const dispatch = grantsOf(t, functionRole(t, 'DispatchWorker')).filter((g) => g.action === 'secretsmanager:GetSecretValue')
    expect(dispatch.map((g) => g.resource)).toEqual([expect.stringMatching(/secret:smpp-dev\/upstream\/\*$/)])
  })

  it("registers upstream 'sandbox' at deploy: a custom resource with the URL, the timeout and the secretRef", () => {
    const setupId = functionId(t, 'SandboxSetup')
    const crId = logicalIdStartingWith(t, 'Custom::SandboxUpstream', 'SandboxRegistration')
    const cr = t.findResources('Custom::SandboxUpstream')[crId].Properties
    expect(cr.ServiceToken).toEqual({ 'Fn::GetAtt': [setupId, 'Arn'] })
    expect(cr).toMatchObject({ TimeoutMs: String(SandboxTimeoutMs), SecretRef: 'sandbox' })
    const urlId = logicalIdStartingWith(t, 'AWS::Lambda::Url', 'SandboxFunction')
    expect(cr.Url).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [urlId, 'FunctionUrl'] }, 'sms']] })
    // The setup function writes the reference table only, and nothing else of the platform.
    const reference = logicalIdWhere(t, 'AWS::DynamoDB::Table', 'TableName', physicalName('smpp-dev', 'reference'))
    const grants = grantsOf(t, functionRole(t, 'SandboxSetup'))
    const dynamo = grants.filter((g) => g.action.startsWith('dynamodb:'))
    expect(new Set(dynamo.map((g) => g.resource.replace('/index/*', '')))).toEqual(new Set([reference]))
    expect(new Set(dynamo.map((g) => g.action))).toEqual(
      new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'ConditionCheckItem'].map((a) => `dynamodb:${a}`)),
    )
    expect(grants.filter((g) => !g.action.startsWith('dynamodb:'))).toEqual([])
    expect(fnProps('SandboxSetup').Environment.Variables[EnvKeys.table('reference')]).toEqual({ Ref: reference })
  })
})
