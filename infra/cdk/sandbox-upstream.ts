import { CustomResource, Duration, type RemovalPolicy } from 'aws-cdk-lib'
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch'
import { type FunctionUrl, FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda'
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs'
import { Secret } from 'aws-cdk-lib/aws-secretsmanager'
import type { ITopic } from 'aws-cdk-lib/aws-sns'
import { Construct } from 'constructs'
import { EnvKeys } from '../../lib/config'
import { SandboxUpstream as SandboxId } from '../../lib/domain/sandbox'
import { functionAlarms } from './alarms'
import { platformFunction } from './platform-function'

export interface SandboxUpstreamProps {
  prefix: string
  logRetentionDays: number
  removalPolicy: RemovalPolicy
  alarmTopic: ITopic
}

/** The dispatcher's timeout for the sandbox: a Function URL answers in well under a second once warm, a cold start in about one. */
export const SandboxTimeoutMs = 5_000

/**
 * Test access on AWS (issue 19): the sandbox upstream, a function behind a Function URL that serves the HTTP upstream
 * contract (functions/sandbox/handler.ts) and never reaches a network, and a custom resource that registers it as
 * upstream `sandbox` at the first deploy (and whenever its URL, timeout or secretRef change), so a new stage's sandbox accounts can send at once (docs/DEPLOY.md).
 * The URL is public like any carrier's endpoint; the contract's bearer secret authenticates each submit. The secret
 * is generated here under `<prefix>/upstream/sandbox`, the name the dispatch function already reads upstream
 * secrets from (platform-stack.ts), so the row's secretRef `sandbox` finds it on both sides.
 */
export class SandboxUpstream extends Construct {
  readonly fn: NodejsFunction
  readonly setupFn: NodejsFunction
  readonly url: FunctionUrl
  readonly secret: Secret
  readonly registration: CustomResource
  readonly alarms: Alarm[]

  constructor(scope: Construct, id: string, props: SandboxUpstreamProps) {
    super(scope, id)
    const base = { logRetentionDays: props.logRetentionDays, removalPolicy: props.removalPolicy, memoryMiB: 256 }
    this.secret = new Secret(this, 'Secret', {
      secretName: `${props.prefix}/upstream/${SandboxId}`,
      description: 'Bearer secret of the sandbox upstream (HTTP upstream contract); replace its value to rotate it',
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
      removalPolicy: props.removalPolicy,
    })
    // Its work is one SendMessageBatch per submit. 10 s, not Lambda's 3 s default: room for a cold start's first secret
    // read and an SDK retry; past SandboxTimeoutMs the dispatcher has stopped waiting anyway.
    this.fn = platformFunction(this, 'Function', { ...base, entry: 'sandbox', timeout: Duration.seconds(10), secretsExtension: true })
    this.fn.addEnvironment(EnvKeys.upstreamSecretPrefix, `${props.prefix}/upstream/`)
    this.secret.grantRead(this.fn)
    this.url = this.fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE })
    // Errors: a cold start that cannot load its config, or receipts that could not be queued (the handler throws).
    // Refusals and the simulated outages (401, 503, 504) are answers, not errors, so customers' tests do not page anyone.
    this.alarms = functionAlarms(this, this.fn, props.alarmTopic)

    this.setupFn = platformFunction(this, 'Setup', { ...base, entry: 'sandboxSetup', timeout: Duration.minutes(1) })
    this.registration = new CustomResource(this, 'Registration', {
      serviceToken: this.setupFn.functionArn,
      resourceType: 'Custom::SandboxUpstream',
      properties: { Url: `${this.url.url}sms`, TimeoutMs: String(SandboxTimeoutMs), SecretRef: SandboxId },
    })
  }
}
