import { App, Validations } from 'aws-cdk-lib'
import { AwsSolutionsChecks } from 'cdk-nag'
import { PlatformStack } from './platform-stack'
import { stackName, stageConfig } from './stage'

/**
 * `npx cdk deploy` (cdk.json runs this file with tsx). The stage comes from context: `-c stage=prod`;
 * account and region from the CLI's credentials (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION).
 */
const app = new App()
const cfg = stageConfig((key) => app.node.tryGetContext(key))
new PlatformStack(app, stackName(cfg), {
  cfg,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `SMPP platform (${cfg.stage}): SMPP nodes on Fargate behind an NLB, SQS and Lambda pipeline, DynamoDB, HTTP API`,
  terminationProtection: cfg.protectData,
})
// cdk-nag's AwsSolutions pack on every synth and deploy: an unacknowledged finding fails it (infra/cdk/nag.ts).
Validations.of(app).addPlugins(new AwsSolutionsChecks(app))
