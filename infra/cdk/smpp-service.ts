import { Duration, type RemovalPolicy } from 'aws-cdk-lib'
import { Metric } from 'aws-cdk-lib/aws-cloudwatch'
import { type IVpc, Peer, Port, SecurityGroup, SubnetType } from 'aws-cdk-lib/aws-ec2'
import { Platform } from 'aws-cdk-lib/aws-ecr-assets'
import {
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  Secret as EcsSecret,
  FargateService,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs'
import {
  ListenerCertificate,
  type NetworkListener,
  NetworkLoadBalancer,
  type NetworkTargetGroup,
  Protocol,
  SslPolicy,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2'
import { LogGroup } from 'aws-cdk-lib/aws-logs'
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager'
import { Construct } from 'constructs'
import { EnvKeys } from '../../lib/config'
import { MetricDimensions, MetricNames, MetricNamespace, MetricServices } from '../../lib/observability/names'
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
 * The long-lived SMPP node on Fargate behind an internet-facing NLB. 2775 is forwarded as TCP to the node's 2775.
 * 3443 is TLS in every stage: terminated at the NLB with the ACM certificate when one is given (forwarded to
 * 2775), otherwise passed through as TCP to the node's own TLS listener on 3443. Both carry a PROXY v2 header
 * first, so the node sees the client's address (IP allow-lists, bind lockouts) while the tasks accept traffic
 * only from the NLB's security group.
 */
export class SmppService extends Construct {
  readonly service: FargateService
  readonly taskDefinition: FargateTaskDefinition
  readonly nlb: NetworkLoadBalancer
  readonly targetGroups: NetworkTargetGroup[] = []
  /** 'acm' (TLS ends at the NLB) or 'passthrough' (TLS ends at the node). */
  readonly tlsMode: 'acm' | 'passthrough'

  constructor(scope: Construct, id: string, props: SmppServiceProps) {
    super(scope, id)
    const { vpc, cfg } = props
    const node = cfg.node
    this.tlsMode = cfg.certificateArn ? 'acm' : 'passthrough'
    // On SIGTERM the node drains (unbind, wait for the answers) for up to drainTimeoutSec, then stops its callback
    // consumer, whose SQS long poll (20 s) may still be open: ECS waits longer than both before SIGKILL.
    const stopTimeout = Duration.seconds(Math.min(node.drainTimeoutSec + CallbackLongPollSec + 10, 120)) // 120 s: Fargate's maximum
    const cluster = new Cluster(this, 'Cluster', { vpc, containerInsightsV2: ContainerInsights.ENABLED })
    this.taskDefinition = new FargateTaskDefinition(this, 'Task', {
      cpu: node.cpu,
      memoryLimitMiB: node.memoryMiB,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.ARM64, operatingSystemFamily: OperatingSystemFamily.LINUX },
    })
    const passthrough = this.tlsMode === 'passthrough'
    this.taskDefinition.addContainer('node', {
      image: ContainerImage.fromAsset(repoRoot, { file: 'smpp-node/Dockerfile', platform: Platform.LINUX_ARM64 }),
      logging: LogDrivers.awsLogs({
        streamPrefix: 'smpp-node',
        logGroup: new LogGroup(this, 'Logs', { retention: cfg.logRetentionDays, removalPolicy: props.removalPolicy }),
      }),
      environment: {
        SMPP_PORT: String(SmppPort),
        SMPP_TLS_PORT: String(SmppTlsPort),
        // Both listeners read the NLB's PROXY v2 header first (the TLS one before its handshake).
        SMPP_PROXY_PROTOCOL: 'true',
        // Issue 13, item 2: who may send a PROXY header. The target groups do not preserve client IPs and the task
        // security group admits only the NLB's (below), so a task's peers are the NLB's nodes, whose addresses lie in
        // the public subnets it is placed in: exactly those are trusted (docs/SECURITY.md).
        SMPP_PROXY_TRUSTED: vpc.publicSubnets.map((s) => s.ipv4CidrBlock).join(','),
        HEALTH_PORT: String(HealthPort),
        DRAIN_TIMEOUT_MS: String(node.drainTimeoutSec * 1000),
      },
      portMappings: [{ containerPort: SmppPort }, ...(passthrough ? [{ containerPort: SmppTlsPort }] : []), { containerPort: HealthPort }],
      stopTimeout,
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

    // The NLB's security group admits the allowed client ranges; the tasks admit only the NLB (issue 13). The NLB
    // connects from its own addresses (client IP preservation off); the client's address comes in the PROXY header.
    const nlbSg = new SecurityGroup(this, 'NlbSg', { vpc, description: 'SMPP NLB: clients in', allowAllOutbound: false })
    for (const cidr of cfg.allowedCidrs) {
      nlbSg.addIngressRule(Peer.ipv4(cidr), Port.tcp(SmppPort), 'SMPP clients')
      nlbSg.addIngressRule(Peer.ipv4(cidr), Port.tcp(SmppTlsPort), 'SMPP over TLS clients')
    }
    const sg = new SecurityGroup(this, 'TaskSg', { vpc, description: 'SMPP node tasks', allowAllOutbound: true })
    const taskPorts = [SmppPort, ...(passthrough ? [SmppTlsPort] : []), HealthPort]
    for (const port of taskPorts) {
      sg.addIngressRule(nlbSg, Port.tcp(port), 'from the NLB only')
      nlbSg.addEgressRule(sg, Port.tcp(port), 'to the SMPP nodes')
    }

    this.service = new FargateService(this, 'Service', {
      cluster,
      taskDefinition: this.taskDefinition,
      securityGroups: [sg],
      // No stage gives a task a public IP (issue 13): private subnets, egress through NAT (dev has one gateway).
      assignPublicIp: false,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
    })

    this.nlb = new NetworkLoadBalancer(this, 'Nlb', { vpc, internetFacing: true, crossZoneEnabled: true, securityGroups: [nlbSg] })
    const tcp = this.nlb.addListener('Tcp', { port: SmppPort, protocol: Protocol.TCP })
    const tls = cfg.certificateArn
      ? this.nlb.addListener('Tls', {
          port: SmppTlsPort,
          protocol: Protocol.TLS,
          certificates: [ListenerCertificate.fromArn(cfg.certificateArn)],
          sslPolicy: SslPolicy.RECOMMENDED_TLS,
        })
      : this.nlb.addListener('TlsPassthrough', { port: SmppTlsPort, protocol: Protocol.TCP })
    this.target(tcp, SmppPort)
    this.target(tls, passthrough ? SmppTlsPort : SmppPort)
    this.autoscale(cfg)
  }

  /**
   * TLS passthrough: the secret (JSON `{ cert, key }`, PEM) the node's own TLS listener serves on 3443, resolved by
   * ECS at task start, so the key never enters the template or the task definition (infra/cdk/bootstrap.ts makes it).
   */
  serveTls(secret: ISecret) {
    const container = this.taskDefinition.defaultContainer!
    container.addSecret(EnvKeys.tlsCertPem, EcsSecret.fromSecretsManager(secret, 'cert'))
    container.addSecret(EnvKeys.tlsKeyPem, EcsSecret.fromSecretsManager(secret, 'key'))
  }

  private target(listener: NetworkListener, containerPort: number) {
    const tg = listener.addTargets('Node', {
      port: containerPort,
      protocol: Protocol.TCP,
      targets: [this.service.loadBalancerTarget({ containerName: 'node', containerPort })],
      proxyProtocolV2: true,
      preserveClientIp: false,
      // ECS sends SIGTERM only after the deregistration delay: a short one, so the node's unbind comes while its
      // sessions still flow. New connections stop at deregistration; existing ones keep flowing because neither
      // deregistration nor the draining node's 503 health answer terminates them (attributes below), until the node
      // has unbound and closed them within its drain (issue 15: 50 s of delay put the unbind after routing stopped).
      deregistrationDelay: Duration.seconds(DeregistrationDelaySec),
      healthCheck: {
        protocol: Protocol.HTTP,
        port: String(HealthPort),
        path: HealthPath,
        interval: Duration.seconds(10),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
      },
    })
    tg.setAttribute('deregistration_delay.connection_termination.enabled', 'false')
    tg.setAttribute('target_health_state.unhealthy.connection_termination.enabled', 'false')
    this.targetGroups.push(tg)
  }

  private autoscale(cfg: StageConfig) {
    const { minTasks, maxTasks, connectionsPerTask, cpuTargetPercent } = cfg.node
    const scaling = this.service.autoScaleTaskCount({ minCapacity: minTasks, maxCapacity: maxTasks })
    // Two target-tracking policies: Application Auto Scaling scales out when either asks and in only when both
    // agree, so neither undoes the other's scale-out, and each policy's alarms have their own high and low
    // thresholds (issue 15: one step policy with both alarms on one threshold, and EXACT_CAPACITY undoing CPU).
    // Scaling in moves sessions (the ESMEs reconnect), so it is slow; scaling out is quick.
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: cpuTargetPercent,
      scaleInCooldown: Duration.minutes(10),
      scaleOutCooldown: Duration.minutes(1),
    })
    // Bound sessions per task: every node writes its Sessions count each minute (smpp-node/emf.ts), so the
    // Average across the service's lines is the sessions per task.
    scaling.scaleToTrackCustomMetric('Sessions', {
      metric: new Metric({
        namespace: MetricNamespace,
        metricName: MetricNames.Sessions,
        dimensionsMap: { [MetricDimensions.Service]: MetricServices.node },
        statistic: 'Average',
        period: Duration.minutes(1),
      }),
      targetValue: connectionsPerTask,
      scaleInCooldown: Duration.minutes(10),
      scaleOutCooldown: Duration.minutes(1),
    })
  }
}

/** Seconds between deregistration and SIGTERM (see target()). */
export const DeregistrationDelaySec = 5
