import { Duration, type RemovalPolicy } from 'aws-cdk-lib'
import { AdjustmentType, type ScalingInterval } from 'aws-cdk-lib/aws-applicationautoscaling'
import { type IVpc, Peer, Port, SecurityGroup, SubnetType } from 'aws-cdk-lib/aws-ec2'
import { Platform } from 'aws-cdk-lib/aws-ecr-assets'
import {
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  FargateService,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs'
import {
  ListenerCertificate,
  NetworkLoadBalancer,
  type NetworkTargetGroup,
  Protocol,
  SslPolicy,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2'
import { LogGroup } from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'
import { repoRoot } from '../bundle'
import type { StageConfig } from './stage'

export const SmppPort = 2775
export const SmppTlsPort = 3443
export const HealthPort = 8081
export const HealthPath = '/health'
/** smpp-node/main.ts callbackWaitSec: the longest the node's callback consumer may take to stop. */
const CallbackLongPollSec = 20

export interface SmppServiceProps {
  vpc: IVpc
  cfg: StageConfig
  removalPolicy: RemovalPolicy
}

/**
 * The long-lived SMPP node on Fargate behind an internet-facing NLB. The NLB terminates TLS on 3443
 * (ACM) and forwards both listeners as plain TCP to the node's 2775, prefixed with a PROXY v2 header
 * that carries the client's address for the node's IP allow-lists and bind lockouts.
 */
export class SmppService extends Construct {
  readonly service: FargateService
  readonly taskDefinition: FargateTaskDefinition
  readonly nlb: NetworkLoadBalancer
  readonly targetGroups: NetworkTargetGroup[] = []

  constructor(scope: Construct, id: string, props: SmppServiceProps) {
    super(scope, id)
    const { vpc, cfg } = props
    const node = cfg.node
    // The node drains on SIGTERM (unbind, wait for the answers) for up to drainTimeoutSec, then stops its
    // callback consumer, whose SQS long poll (20 s) may still be open. ECS must wait longer than both before
    // SIGKILL, and the NLB must keep a deregistering target's sessions open as long.
    const drainWindow = Duration.seconds(Math.min(node.drainTimeoutSec + CallbackLongPollSec + 10, 120)) // 120 s: Fargate's maximum
    const cluster = new Cluster(this, 'Cluster', { vpc, containerInsightsV2: ContainerInsights.ENABLED })
    this.taskDefinition = new FargateTaskDefinition(this, 'Task', {
      cpu: node.cpu,
      memoryLimitMiB: node.memoryMiB,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.ARM64, operatingSystemFamily: OperatingSystemFamily.LINUX },
    })
    this.taskDefinition.addContainer('node', {
      image: ContainerImage.fromAsset(repoRoot, { file: 'smpp-node/Dockerfile', platform: Platform.LINUX_ARM64 }),
      logging: LogDrivers.awsLogs({
        streamPrefix: 'smpp-node',
        logGroup: new LogGroup(this, 'Logs', { retention: cfg.logRetentionDays, removalPolicy: props.removalPolicy }),
      }),
      environment: {
        SMPP_PORT: String(SmppPort),
        // TLS ends at the NLB: the node listens on TCP only and reads the PROXY v2 header first.
        SMPP_PROXY_PROTOCOL: 'true',
        // Issue 13, item 2: who may send a PROXY header. The target groups preserve client IPs, so the tasks
        // see ESME addresses and cannot tell the NLB apart: trust stays open here until the deploy lane turns
        // preserveClientIp off and admits 2775 only from the NLB's security group; then this becomes the
        // NLB's subnets: vpc.publicSubnets.map((s) => s.ipv4CidrBlock).join(','). docs/SECURITY.md.
        SMPP_PROXY_TRUSTED: '0.0.0.0/0,::/0',
        HEALTH_PORT: String(HealthPort),
        DRAIN_TIMEOUT_MS: String(node.drainTimeoutSec * 1000),
      },
      portMappings: [{ containerPort: SmppPort }, { containerPort: HealthPort }],
      stopTimeout: drainWindow,
      healthCheck: {
        // node:22-slim has no curl; Node's own fetch asks the health endpoint (503 while draining).
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${HealthPort}${HealthPath}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        startPeriod: Duration.seconds(20),
      },
    })
    // Client IPs are preserved, so the tasks see the ESMEs' addresses: allow SMPP from the allowed
    // ranges, and the health port from inside the VPC (the NLB's health checks).
    const sg = new SecurityGroup(this, 'TaskSg', { vpc, description: 'SMPP node tasks', allowAllOutbound: true })
    for (const cidr of cfg.allowedCidrs) sg.addIngressRule(Peer.ipv4(cidr), Port.tcp(SmppPort), 'SMPP clients')
    sg.addIngressRule(Peer.ipv4(vpc.vpcCidrBlock), Port.tcp(HealthPort), 'NLB health checks')

    const publicTasks = cfg.natGateways === 0 && !cfg.vpcId
    this.service = new FargateService(this, 'Service', {
      cluster,
      taskDefinition: this.taskDefinition,
      securityGroups: [sg],
      // dev has no NAT gateway: tasks sit in public subnets with a public IP to reach SQS, DynamoDB and ECR.
      assignPublicIp: publicTasks,
      vpcSubnets: { subnetType: publicTasks ? SubnetType.PUBLIC : SubnetType.PRIVATE_WITH_EGRESS },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
    })

    this.nlb = new NetworkLoadBalancer(this, 'Nlb', { vpc, internetFacing: true, crossZoneEnabled: true })
    const listeners = [this.nlb.addListener('Tcp', { port: SmppPort, protocol: Protocol.TCP })]
    if (cfg.certificateArn) {
      listeners.push(
        this.nlb.addListener('Tls', {
          port: SmppTlsPort,
          protocol: Protocol.TLS,
          certificates: [ListenerCertificate.fromArn(cfg.certificateArn)],
          sslPolicy: SslPolicy.RECOMMENDED_TLS,
        }),
      )
    }
    for (const listener of listeners) {
      const tg = listener.addTargets('Node', {
        port: SmppPort,
        protocol: Protocol.TCP,
        targets: [this.service.loadBalancerTarget({ containerName: 'node', containerPort: SmppPort })],
        proxyProtocolV2: true,
        preserveClientIp: true,
        // Longer than the drain: the deregistering node keeps its sessions until it has unbound them.
        deregistrationDelay: drainWindow,
        healthCheck: {
          protocol: Protocol.HTTP,
          port: String(HealthPort),
          path: HealthPath,
          interval: Duration.seconds(10),
          healthyThresholdCount: 2,
          unhealthyThresholdCount: 2,
        },
      })
      this.targetGroups.push(tg)
    }
    this.autoscale(cfg)
  }

  private autoscale(cfg: StageConfig) {
    const { minTasks, maxTasks, connectionsPerTask, cpuTargetPercent } = cfg.node
    const scaling = this.service.autoScaleTaskCount({ minCapacity: minTasks, maxCapacity: maxTasks })
    // Scaling in moves sessions (the ESMEs reconnect), so it is slow; scaling out is quick.
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: cpuTargetPercent,
      scaleInCooldown: Duration.minutes(10),
      scaleOutCooldown: Duration.minutes(1),
    })
    // Connections: NLB active flows mapped to an exact task count, one task per connectionsPerTask
    // sessions. With CPU tracking alongside, Application Auto Scaling takes the larger answer.
    if (maxTasks <= minTasks) return
    const steps: ScalingInterval[] = [{ upper: minTasks * connectionsPerTask, change: minTasks }]
    for (let n = minTasks + 1; n <= maxTasks; n++) steps.push({ lower: (n - 1) * connectionsPerTask, change: n })
    scaling.scaleOnMetric('Connections', {
      metric: this.nlb.metrics.activeFlowCount({ statistic: 'Maximum', period: Duration.minutes(1) }),
      adjustmentType: AdjustmentType.EXACT_CAPACITY,
      scalingSteps: steps,
      cooldown: Duration.minutes(3),
    })
  }
}
