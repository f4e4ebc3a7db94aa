import { join } from 'node:path'
import type { Duration, RemovalPolicy } from 'aws-cdk-lib'
import { Architecture, ParamsAndSecretsLayerVersion, ParamsAndSecretsVersions, Runtime } from 'aws-cdk-lib/aws-lambda'
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs'
import { LogGroup } from 'aws-cdk-lib/aws-logs'
import type { Construct } from 'constructs'
import { Entries, type EntryName, EsbuildSettings, repoRoot } from '../bundle'

export interface PlatformFunctionProps {
  entry: Exclude<EntryName, 'node'>
  timeout: Duration
  memoryMiB: number
  logRetentionDays: number
  removalPolicy: RemovalPolicy
  /**
   * Adds AWS's Parameters and Secrets extension: secrets over HTTP on localhost:2773, cached, without
   * a Secrets Manager SDK in the bundle. Only for functions that read upstream credentials.
   */
  secretsExtension?: boolean
}

/** What every function of the stack shares: ARM64, Node.js 22, bundled from the repository by the local esbuild. */
export const nodeFunctionBase = (entry: string) => ({
  entry: join(repoRoot, entry),
  handler: 'handler',
  runtime: Runtime.NODEJS_22_X,
  architecture: Architecture.ARM_64,
  projectRoot: repoRoot,
  depsLockFilePath: join(repoRoot, 'package-lock.json'),
})

/** infra/bundle.ts's esbuild settings as NodejsFunction bundling options, ESM with the bundles' banner. */
export const esmBundling = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: EsbuildSettings.target,
  mainFields: [...EsbuildSettings.mainFields],
  banner: EsbuildSettings.banner,
  minify: EsbuildSettings.minify,
  sourceMap: EsbuildSettings.sourcemap,
}

/**
 * A handler from functions/ as NodejsFunction: bundled by the local esbuild with the settings of
 * infra/bundle.ts (the bundles the test suite runs), ARM64 (cheaper per GB-second), Node.js 22.
 */
export function platformFunction(scope: Construct, id: string, props: PlatformFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetentionDays, removalPolicy: props.removalPolicy })
  return new NodejsFunction(scope, id, {
    ...nodeFunctionBase(Entries[props.entry]),
    memorySize: props.memoryMiB,
    timeout: props.timeout,
    logGroup,
    paramsAndSecrets: props.secretsExtension ? ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103) : undefined,
    environment: { NODE_OPTIONS: '--enable-source-maps' }, // the rest: infra/cdk/grants.ts, per resource used
    bundling: {
      ...esmBundling,
      keepNames: EsbuildSettings.keepNames,
      externalModules: [...EsbuildSettings.external],
    },
  })
}
