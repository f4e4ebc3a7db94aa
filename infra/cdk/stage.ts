/**
 * What differs between a dev and a prod deployment. Chosen with `-c stage=prod`; a few keys can be
 * overridden one by one with `-c key=value` (docs/DEPLOY.md lists them).
 */
export type StageName = 'dev' | 'prod'

/** The queues a Lambda function consumes (the others are consumed by Fargate-side processes). */
export type WorkerQueue = 'submit' | 'dispatch' | 'receipts'

export interface StageConfig {
  stage: StageName
  /** Physical name prefix of every table and queue (`${prefix}-${name}`, lib/resources.ts physicalName). */
  prefix: string
  /** Deploy into this existing VPC instead of creating one. */
  vpcId?: string
  /**
   * ACM certificate for 3443: the NLB terminates TLS with it. Without it 3443 is still offered: the NLB passes TLS
   * through to the node, which serves the self-signed certificate kept in Secrets Manager (`<prefix>/smpp-tls`,
   * created at the first deploy when absent; replace its value to use your own).
   */
  certificateArn?: string
  /** Who may open SMPP connections: the NLB's security group admits these; the tasks admit only the NLB. */
  allowedCidrs: string[]
  /** At least 1: tasks sit in private subnets without public IPs and reach SQS, ECR and Logs through NAT. */
  natGateways: number
  alarmEmail?: string
  /** Upstream secret refs (`${prefix}/upstream/<ref>` in Secrets Manager) handed to the node as SECRET_<REF>. */
  upstreamSecrets: string[]
  /** Protect data: DynamoDB deletion protection, RETAIN on tables and DLQs, longer log retention. */
  protectData: boolean
  logRetentionDays: 7 | 30
  node: {
    cpu: number // Fargate CPU units (1024 = 1 vCPU)
    memoryMiB: number
    minTasks: number
    maxTasks: number
    /** SMPP sessions one task is sized for; the connection scaling steps add a task per this many. */
    connectionsPerTask: number
    /** The node's SIGTERM drain (DRAIN_TIMEOUT_MS); the stop timeout and deregistration delay exceed it. */
    drainTimeoutSec: number
    cpuTargetPercent: number
  }
  /** SQS event source maximum concurrency per worker: caps the load on DynamoDB and on the upstreams. */
  workerConcurrency: Record<WorkerQueue, number>
  lambdaMemoryMiB: number
  api: { rateLimit: number; burstLimit: number }
}

const base: Omit<StageConfig, 'stage' | 'prefix'> = {
  allowedCidrs: ['0.0.0.0/0'],
  upstreamSecrets: [],
  natGateways: 1, // tasks never get a public IP (issue 13); one NAT gateway is dev's cheapest egress
  protectData: false,
  logRetentionDays: 7,
  node: { cpu: 256, memoryMiB: 512, minTasks: 1, maxTasks: 2, connectionsPerTask: 200, drainTimeoutSec: 20, cpuTargetPercent: 60 },
  workerConcurrency: { submit: 5, dispatch: 5, receipts: 5 },
  lambdaMemoryMiB: 512,
  api: { rateLimit: 20, burstLimit: 40 },
}

export const Stages: Record<StageName, Omit<StageConfig, 'prefix'>> = {
  dev: { ...base, stage: 'dev' },
  prod: {
    ...base,
    stage: 'prod',
    natGateways: 2, // one per AZ: an AZ outage must not cut the other AZ's nodes off SQS and DynamoDB
    protectData: true,
    logRetentionDays: 30,
    node: { ...base.node, cpu: 1024, memoryMiB: 2048, minTasks: 2, maxTasks: 10, connectionsPerTask: 1000 },
    workerConcurrency: { submit: 50, dispatch: 20, receipts: 20 },
    api: { rateLimit: 100, burstLimit: 200 },
  },
}

type Context = (key: string) => unknown

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined)

/** Reads the stage and its overrides from CDK context (`this.node.tryGetContext`). */
export function stageConfig(ctx: Context): StageConfig {
  const stage = str(ctx('stage')) ?? 'dev'
  if (!(stage in Stages)) throw new Error(`context stage: expected dev or prod, got ${stage}`)
  const preset = Stages[stage as StageName]
  const cidrs = str(ctx('allowedCidrs'))
  const secrets = str(ctx('upstreamSecrets'))
  return {
    ...preset,
    prefix: str(ctx('prefix')) ?? `smpp-${stage}`,
    vpcId: str(ctx('vpcId')),
    certificateArn: str(ctx('certificateArn')),
    alarmEmail: str(ctx('alarmEmail')),
    allowedCidrs: cidrs ? cidrs.split(',').map((c) => c.trim()) : preset.allowedCidrs,
    upstreamSecrets: secrets ? secrets.split(',').map((s) => s.trim()) : [],
  }
}

/**
 * The CloudFormation stack name: `Smpp-<stage>`, or `Smpp-<stage>-<prefix>` when `-c prefix=` is given. Physical
 * table names follow the prefix, so deploying another prefix into the same stack would make CloudFormation replace
 * (create anew, then delete) every named table of the stage (issue 15). A prefix of its own gets a stack of its own.
 */
export const stackName = (cfg: Pick<StageConfig, 'stage' | 'prefix'>): string =>
  cfg.prefix === `smpp-${cfg.stage}` ? `Smpp-${cfg.stage}` : `Smpp-${cfg.stage}-${cfg.prefix}`
