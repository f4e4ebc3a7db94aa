import { Duration, type RemovalPolicy } from 'aws-cdk-lib'
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway'
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2'
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations'
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch'
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs'
import { LogGroup } from 'aws-cdk-lib/aws-logs'
import { Secret } from 'aws-cdk-lib/aws-secretsmanager'
import type { ITopic } from 'aws-cdk-lib/aws-sns'
import { Construct } from 'constructs'
import { alarmAbove, functionAlarms } from './alarms'
import { platformFunction } from './platform-function'

export interface PlatformApiProps {
  memoryMiB: number
  logRetentionDays: number
  removalPolicy: RemovalPolicy
  /** Default stage throttle: steady requests per second and burst, for every route and client together. */
  throttle: { rateLimit: number; burstLimit: number }
  alarmTopic: ITopic
}

/** The hono API (functions/api/handler.ts) behind an HTTP API: every path and method goes to the one function. */
export class PlatformApi extends Construct {
  readonly fn: NodejsFunction
  readonly api: HttpApi
  readonly stage: HttpStage
  readonly alarms: Alarm[]

  constructor(scope: Construct, id: string, props: PlatformApiProps) {
    super(scope, id)
    this.fn = platformFunction(this, 'Function', {
      entry: 'api',
      // API Gateway gives up on an integration after 30 s; finance queries read a few items, not a scan.
      timeout: Duration.seconds(10),
      memoryMiB: props.memoryMiB,
      logRetentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
    })
    // The ledger cursor carries a running balance, so the API signs it (functions/api/running-balance.ts), and every
    // instance of the function must sign with the same key: one generated at first deploy. Passed as an environment
    // value resolved by CloudFormation (never in the template); it guards only the integrity of paging cursors.
    const cursorKey = new Secret(this, 'CursorKey', {
      description: 'HMAC key of the API ledger cursors',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: props.removalPolicy,
    })
    this.fn.addEnvironment('API_CURSOR_SECRET', cursorKey.secretValue.unsafeUnwrap())
    this.api = new HttpApi(this, 'HttpApi', {
      defaultIntegration: new HttpLambdaIntegration('Hono', this.fn),
      createDefaultStage: false,
    })
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      // One JSON line per request (request id, route, status, latency, caller IP): who called what, for audits.
      accessLogSettings: {
        destination: new LogGroupLogDestination(
          new LogGroup(this, 'AccessLogs', { retention: props.logRetentionDays, removalPolicy: props.removalPolicy }),
        ),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            time: '$context.requestTime',
          }),
        ),
      },
    })
    this.alarms = [
      ...functionAlarms(this, this.fn, props.alarmTopic),
      // hono's onError answers a bare 500 without failing the invocation, so Lambda Errors would not see it.
      alarmAbove(
        this,
        'ServerErrors',
        this.stage.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
        0,
        props.alarmTopic,
        'API 5xx',
      ),
    ]
  }
}
