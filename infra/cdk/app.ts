import { App } from 'aws-cdk-lib'
import { PlatformStack } from './platform-stack'
import { stageConfig } from './stage'

/**
 * `npx cdk deploy` (cdk.json runs this file with tsx). The stage comes from context: `-c stage=prod`;
 * account and region from the CLI's credentials (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION).
 */
const app = new App()
const cfg = stageConfig((key) => app.node.tryGetContext(key))
new PlatformStack(app, `Smpp-${cfg.stage}`, {
  cfg,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `SMPP platform (${cfg.stage}): SMPP nodes on Fargate behind an NLB, SQS and Lambda pipeline, DynamoDB, HTTP API`,
  terminationProtection: cfg.protectData,
})
