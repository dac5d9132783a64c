/**
 * Qdrant, the vector database of the FAQ embeddings, as exactly one ECS Fargate
 * task whose storage is on EFS, reachable inside the VPC as `qdrant.<namespace>`.
 *
 * Qdrant does not trust network file systems (its docs ask for block storage; it
 * logs an error when it finds NFS, and two processes on the same storage fail with
 * a RocksDB `LOCK` error: qdrant/qdrant#4145). So the service never runs two tasks:
 * desired count 1, deployments stop the old task before the new one starts
 * (minimum healthy 0%, maximum 100%), no autoscaling. See docs/qdrant.md.
 *
 * Composes QdrantStorage (EFS), QdrantBackup (AWS Backup of the file system) and
 * QdrantSnapshots (Qdrant's own snapshots to S3 on a schedule), and adds the API key
 * secret, the task, the service, its Cloud Map name and its alarms.
 *
 * @example
 * const qdrant = new QdrantService(this, "qdrant", {
 *   namePrefix: "faq-prod", accountId, region: "eu-west-1", vpcId: network.vpc.id,
 *   subnetIds: network.privateSubnets.map((s) => s.id), cluster: cluster.cluster,
 *   version: "v1.16.3", cpu: 1024, memoryMiB: 4096, efsThroughputMode: "elastic",
 *   backupRetentionDays: 35, snapshotSchedule: "cron(30 2 * * ? *)", snapshotRetentionDays: 30,
 *   logRetentionDays: 365, logsKmsKeyArn, secretsKmsKeyArn, alarmTopicArn, preventDestroy: true,
 * });
 * qdrant.allowFrom(web.securityGroup.id, "Django web tasks");
 * // QDRANT_HOST = qdrant.host, QDRANT_API_KEY from qdrant.apiKeySecretArn
 */
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { ServiceDiscoveryPrivateDnsNamespace } from "@cdktf/provider-aws/lib/service-discovery-private-dns-namespace";
import { ServiceDiscoveryService } from "@cdktf/provider-aws/lib/service-discovery-service";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { compareVersions, MIN_QDRANT_VERSION } from "../config/qdrant-version";
import { fargateSizeProblem } from "../config/sizing";
import { PrivateBucket } from "./private-bucket";
import { QdrantBackup } from "./qdrant-backup";
import { NFS_PORT, QdrantStorage } from "./qdrant-storage";
import { ecrPullStatements, secretReadStatements } from "./iam-statements";
import { QdrantSnapshots } from "./qdrant-snapshots";
import { DROP_ALL_CAPABILITIES } from "./container-capabilities";
import { EphemeralRandomPassword } from "./ephemeral-random-password";

/** Generation of the API key: Terraform writes a new random key whenever this changes (raise it to rotate). */
export const API_KEY_VERSION = 1;
/** Qdrant's HTTP (REST) port. */
export const QDRANT_HTTP_PORT = 6333;
/** Qdrant's gRPC port. */
export const QDRANT_GRPC_PORT = 6334;
/** Name of the Qdrant container. */
export const QDRANT_CONTAINER = "qdrant";
/** Where the EFS access point is mounted in the container. */
export const QDRANT_DATA_PATH = "/qdrant/data";

/**
 * The container health check. The official image has no curl or wget, but it has bash:
 * open /dev/tcp to 127.0.0.1:6333, send `GET /readyz` (no API key needed; 200 once all
 * shards are loaded) and require a 200 status line.
 */
export const QDRANT_HEALTH_CHECK_COMMAND = [
  "CMD",
  "bash",
  "-c",
  `exec 3<>/dev/tcp/127.0.0.1/${QDRANT_HTTP_PORT} && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && read -r status <&3 && [[ "$status" == *" 200 "* ]]`,
];

export interface QdrantServiceProps {
  /** Prefix of resource names. */
  readonly namePrefix: string;
  /** Account ID (key policies, bucket name, trust conditions). */
  readonly accountId: string;
  /** Region of the stage. */
  readonly region: string;
  /** VPC of the service, its storage and its namespace. */
  readonly vpcId: string;
  /** Private subnets (one per AZ): tasks and EFS mount targets. */
  readonly subnetIds: string[];
  /** ECS cluster the service and the snapshot trigger run in. */
  readonly cluster: EcsCluster;
  /** Qdrant version, the image tag: vX.Y.Z, at least MIN_QDRANT_VERSION (config/qdrant-version.ts). */
  readonly version: string;
  /** Task CPU units. */
  readonly cpu: number;
  /** Task memory; a Fargate combination with cpu. */
  readonly memoryMiB: number;
  /** EFS throughput mode. */
  readonly efsThroughputMode: "elastic" | "bursting";
  /** Days AWS Backup keeps the daily recovery points of the file system. */
  readonly backupRetentionDays: number;
  /** When Qdrant is asked for a full snapshot (EventBridge Scheduler expression, UTC). */
  readonly snapshotSchedule: string;
  /** Days snapshots are kept in the bucket. */
  readonly snapshotRetentionDays: number;
  /** Retention of the log groups. */
  readonly logRetentionDays: number;
  /** KMS key encrypting the log groups. */
  readonly logsKmsKeyArn: string;
  /** KMS key encrypting the API key secret (the stage's secrets key). */
  readonly secretsKmsKeyArn: string;
  /** SNS topic of the alarms. */
  readonly alarmTopicArn: string;
  /**
   * Image repository; the tag is `version`. Point it at an ECR pull-through cache to avoid Docker Hub limits.
   * @default "qdrant/qdrant"
   */
  readonly imageRepository?: string;
  /**
   * Cloud Map private DNS namespace created for the stage.
   * @default `${namePrefix}.internal`
   */
  readonly namespaceName?: string;
  /**
   * CPU architecture of the task (the official image is multi-arch).
   * @default "X86_64"
   */
  readonly cpuArchitecture?: "X86_64" | "ARM64";
  /**
   * Seconds ECS waits after SIGTERM before SIGKILL, for Qdrant to flush (Fargate allows 2-120).
   * @default 120
   */
  readonly stopTimeoutSeconds?: number;
  /**
   * Seconds after start before failed health checks count (loading collections from EFS takes time; ECS allows 0-300).
   * @default 180
   */
  readonly healthCheckStartPeriodSeconds?: number;
  /**
   * POSIX user and group the container runs as; the EFS access point imposes the same.
   * @default 1000
   */
  readonly posixId?: number;
  /**
   * Alarm when the EFS burst credit balance falls below this (bursting throughput mode only).
   * @default 192000000000 (about 30 minutes of bursting at 100 MiB/s)
   */
  readonly burstCreditBalanceThresholdBytes?: number;
  /**
   * Days a deleted API key secret can still be restored (7-30).
   * @default 30
   */
  readonly secretRecoveryWindowDays?: number;
  /**
   * Image of the snapshot trigger task.
   * @default DEFAULT_SNAPSHOT_TRIGGER_IMAGE
   */
  readonly snapshotTriggerImage?: string;
  /**
   * Collections that get a collection snapshot of their own after each full snapshot (the restore drill restores these).
   * @default [] (the full snapshot only)
   */
  readonly snapshotCollectionNames?: readonly string[];
  /**
   * Refuse `terraform destroy` of the stateful parts: keys, file system, access point, vault, bucket, secret.
   * @default false
   */
  readonly preventDestroy?: boolean;
}

export class QdrantService extends Construct {
  /** The ECS service (exactly one task). */
  public readonly service: EcsService;
  /** The Qdrant task definition. */
  public readonly taskDefinition: EcsTaskDefinition;
  /** Task role: EFS mount through the access point, the snapshot bucket and its key. */
  public readonly taskRole: IamRole;
  /** Execution role: image pull, logs, the API key secret. */
  public readonly executionRole: IamRole;
  /** Qdrant's log group. */
  public readonly logGroup: CloudwatchLogGroup;
  /** EFS storage (file system, access point, mount targets, their security group). */
  public readonly storage: QdrantStorage;
  /** The EFS file system. */
  public readonly fileSystem: EfsFileSystem;
  /** The EFS access point the task mounts. */
  public readonly accessPoint: EfsAccessPoint;
  /** AWS Backup of the file system. */
  public readonly backup: QdrantBackup;
  /** The backup vault. */
  public readonly backupVault: BackupVault;
  /** Qdrant snapshots to S3 and their scheduled trigger. */
  public readonly snapshots: QdrantSnapshots;
  /** The snapshot bucket. */
  public readonly snapshotBucket: PrivateBucket;
  /** Secret holding the API key (the web service gets it as QDRANT_API_KEY). */
  public readonly apiKeySecret: SecretsmanagerSecret;
  /** ARN of that secret. */
  public readonly apiKeySecretArn: string;
  /** Security group of the Qdrant tasks; clients are admitted with allowFrom(). */
  public readonly securityGroup: SecurityGroup;
  /** The stage's Cloud Map private DNS namespace. */
  public readonly namespace: ServiceDiscoveryPrivateDnsNamespace;
  /** Cloud Map service registering the task as `qdrant.<namespace>`. */
  public readonly discoveryService: ServiceDiscoveryService;
  /** DNS name of Qdrant inside the VPC: `qdrant.<namespace name>` (the web service's QDRANT_HOST). */
  public readonly host: string;
  /** HTTP port, 6333. */
  public readonly httpPort: number = QDRANT_HTTP_PORT;
  /** gRPC port, 6334. */
  public readonly grpcPort: number = QDRANT_GRPC_PORT;
  /** Alarms: running tasks below 1, EFS I/O limit, and burst credits when bursting. */
  public readonly alarms: CloudwatchMetricAlarm[];

  private allowed = 0;

  constructor(scope: Construct, id: string, props: QdrantServiceProps) {
    super(scope, id);
    const imageRepository = props.imageRepository ?? "qdrant/qdrant";
    const namespaceName = props.namespaceName ?? `${props.namePrefix}.internal`;
    const cpuArchitecture = props.cpuArchitecture ?? "X86_64";
    const stopTimeoutSeconds = props.stopTimeoutSeconds ?? 120;
    const startPeriodSeconds = props.healthCheckStartPeriodSeconds ?? 180;
    const posixId = props.posixId ?? 1000;
    const burstThreshold = props.burstCreditBalanceThresholdBytes ?? 192_000_000_000;
    const recoveryWindowDays = props.secretRecoveryWindowDays ?? 30;
    const preventDestroy = props.preventDestroy ?? false;

    if (!/^v\d+\.\d+\.\d+$/.test(props.version)) {
      throw new Error(`QdrantService ${id}: version must be a pinned vX.Y.Z tag (never latest), got "${props.version}"`);
    }
    if (compareVersions(props.version, MIN_QDRANT_VERSION) < 0) {
      throw new Error(
        `QdrantService ${id}: version must be ${MIN_QDRANT_VERSION} or later (S3 snapshots with the task role), got "${props.version}"`,
      );
    }
    const size = fargateSizeProblem(props.cpu, props.memoryMiB);
    if (size) throw new Error(`QdrantService ${id}: memoryMiB ${props.memoryMiB} ${size}`);
    if (stopTimeoutSeconds < 2 || stopTimeoutSeconds > 120) {
      throw new Error(`QdrantService ${id}: stopTimeoutSeconds must be 2-120 (Fargate), got ${stopTimeoutSeconds}`);
    }
    if (startPeriodSeconds < 0 || startPeriodSeconds > 300) {
      throw new Error(`QdrantService ${id}: healthCheckStartPeriodSeconds must be 0-300, got ${startPeriodSeconds}`);
    }
    if (recoveryWindowDays < 7 || recoveryWindowDays > 30) {
      throw new Error(`QdrantService ${id}: secretRecoveryWindowDays must be 7-30, got ${recoveryWindowDays}`);
    }
    if (props.subnetIds.length === 0) {
      throw new Error(`QdrantService ${id}: subnetIds must list the private subnets, got none`);
    }
    const prefix = props.namePrefix;
    const lifecycle = preventDestroy ? { preventDestroy: true } : undefined;

    // --- network identity and discovery ---
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${prefix}-qdrant`,
      description: "Qdrant tasks: 6333/6334 from the security groups given to allowFrom() only",
      vpcId: props.vpcId,
      tags: { Name: `${prefix}-qdrant` },
    });
    this.namespace = new ServiceDiscoveryPrivateDnsNamespace(this, "namespace", {
      name: namespaceName,
      description: `Private service names of ${prefix}`,
      vpc: props.vpcId,
    });
    this.discoveryService = new ServiceDiscoveryService(this, "discovery", {
      name: "qdrant",
      dnsConfig: {
        namespaceId: this.namespace.id,
        dnsRecords: [{ type: "A", ttl: 10 }],
        routingPolicy: "MULTIVALUE",
      },
    });
    this.host = `qdrant.${namespaceName}`;

    // --- API key ---
    this.apiKeySecret = new SecretsmanagerSecret(this, "api-key", {
      name: `${prefix}/qdrant/api-key`,
      description: "Qdrant API key (QDRANT__SERVICE__API_KEY in Qdrant, QDRANT_API_KEY in the web service)",
      kmsKeyId: props.secretsKmsKeyArn,
      recoveryWindowInDays: recoveryWindowDays,
      lifecycle,
    });
    this.apiKeySecretArn = this.apiKeySecret.arn;
    // Ephemeral and write-only: the key is in neither state nor plan files. Raising API_KEY_VERSION
    // writes a fresh key (rotation: then restart Qdrant and the web service, docs/qdrant.md).
    const password = new EphemeralRandomPassword(this, "api-key-value", { passwordLength: 48, excludePunctuation: true });
    new SecretsmanagerSecretVersion(this, "api-key-version", {
      secretId: this.apiKeySecret.id,
      secretStringWo: password.value,
      secretStringWoVersion: API_KEY_VERSION,
    });

    // --- roles ---
    this.taskRole = new IamRole(this, "task-role", {
      name: `${prefix}-qdrant-task`,
      assumeRolePolicy: ecsTasksTrust(props.accountId),
    });
    this.executionRole = new IamRole(this, "execution-role", {
      name: `${prefix}-qdrant-exec`,
      assumeRolePolicy: ecsTasksTrust(props.accountId),
    });

    // --- storage, backups, snapshots ---
    this.storage = new QdrantStorage(this, "storage", {
      namePrefix: prefix,
      accountId: props.accountId,
      region: props.region,
      vpcId: props.vpcId,
      subnetIds: props.subnetIds,
      throughputMode: props.efsThroughputMode,
      clientSecurityGroupId: this.securityGroup.id,
      clientRoleArn: this.taskRole.arn,
      posixUid: posixId,
      posixGid: posixId,
      preventDestroy,
    });
    this.fileSystem = this.storage.fileSystem;
    this.accessPoint = this.storage.accessPoint;

    this.backup = new QdrantBackup(this, "backup", {
      namePrefix: prefix,
      accountId: props.accountId,
      region: props.region,
      resourceArns: [this.fileSystem.arn],
      retentionDays: props.backupRetentionDays,
      preventDestroy,
    });
    this.backupVault = this.backup.vault;

    this.snapshots = new QdrantSnapshots(this, "snapshots", {
      namePrefix: prefix,
      accountId: props.accountId,
      region: props.region,
      vpcId: props.vpcId,
      subnetIds: props.subnetIds,
      clusterArn: props.cluster.arn,
      qdrantSecurityGroupId: this.securityGroup.id,
      qdrantHost: this.host,
      qdrantHttpPort: QDRANT_HTTP_PORT,
      apiKeySecretArn: this.apiKeySecretArn,
      secretsKmsKeyArn: props.secretsKmsKeyArn,
      schedule: props.snapshotSchedule,
      retentionDays: props.snapshotRetentionDays,
      logRetentionDays: props.logRetentionDays,
      logsKmsKeyArn: props.logsKmsKeyArn,
      alarmTopicArn: props.alarmTopicArn,
      triggerImage: props.snapshotTriggerImage,
      collectionNames: props.snapshotCollectionNames,
      preventDestroy,
    });
    this.snapshotBucket = this.snapshots.bucket;

    // --- security group rules (clients come through allowFrom) ---
    new VpcSecurityGroupIngressRule(this, "http-from-snapshot-trigger", {
      securityGroupId: this.securityGroup.id,
      description: "Qdrant HTTP from the snapshot trigger task",
      ipProtocol: "tcp",
      fromPort: QDRANT_HTTP_PORT,
      toPort: QDRANT_HTTP_PORT,
      referencedSecurityGroupId: this.snapshots.triggerSecurityGroup.id,
    });
    new VpcSecurityGroupEgressRule(this, "nfs-to-efs", {
      securityGroupId: this.securityGroup.id,
      description: "NFS to the EFS mount targets",
      ipProtocol: "tcp",
      fromPort: NFS_PORT,
      toPort: NFS_PORT,
      referencedSecurityGroupId: this.storage.securityGroup.id,
    });
    new VpcSecurityGroupEgressRule(this, "https-out", {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS: image pull, Secrets Manager, CloudWatch Logs, S3 snapshots",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });

    // --- role policies ---
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/${prefix}/qdrant`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKmsKeyArn,
    });
    const image = `${imageRepository}:${props.version}`;
    const executionPolicy = new IamRolePolicy(this, "execution-policy", {
      role: this.executionRole.id,
      name: "logs-and-api-key",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${this.logGroup.arn}:*` },
          ...secretReadStatements([this.apiKeySecretArn], [props.secretsKmsKeyArn], props.region),
          ...ecrPullStatements(image),
        ],
      }),
    });
    const bucketArn = this.snapshotBucket.bucket.arn;
    const taskPolicy = new IamRolePolicy(this, "task-policy", {
      role: this.taskRole.id,
      name: "efs-and-snapshot-bucket",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "MountThroughTheAccessPoint",
            Effect: "Allow",
            Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            Resource: this.fileSystem.arn,
            Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": this.accessPoint.arn } },
          },
          { Sid: "ListSnapshots", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
          {
            Sid: "ReadWriteSnapshots",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
            Resource: `${bucketArn}/*`,
          },
          {
            Sid: "SnapshotKey",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: this.snapshots.key.key.arn,
            Condition: { StringEquals: { "kms:ViaService": `s3.${props.region}.amazonaws.com` } },
          },
        ],
      }),
    });

    // --- task ---
    const volumeName = "qdrant-data";
    this.taskDefinition = new EcsTaskDefinition(this, "task", {
      family: `${prefix}-qdrant`,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(props.cpu),
      memory: String(props.memoryMiB),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture },
      taskRoleArn: this.taskRole.arn,
      executionRoleArn: this.executionRole.arn,
      volume: [
        {
          name: volumeName,
          efsVolumeConfiguration: {
            fileSystemId: this.fileSystem.id,
            transitEncryption: "ENABLED",
            authorizationConfig: { accessPointId: this.accessPoint.id, iam: "ENABLED" },
          },
        },
      ],
      containerDefinitions: JSON.stringify([
        {
          name: QDRANT_CONTAINER,
          image,
          essential: true,
          // The image runs as root by default; run as the access point's POSIX user instead.
          user: `${posixId}:${posixId}`,
          // Every write goes to EFS (storage, temp, snapshots, scratch): Fargate does not support tmpfs mounts
          // (linuxParameters.tmpfs), and the image's own directories belong to root.
          readonlyRootFilesystem: true,
          portMappings: [
            { name: "http", containerPort: QDRANT_HTTP_PORT, protocol: "tcp", appProtocol: "http" },
            { name: "grpc", containerPort: QDRANT_GRPC_PORT, protocol: "tcp", appProtocol: "grpc" },
          ],
          environment: [
            { name: "QDRANT__STORAGE__STORAGE_PATH", value: `${QDRANT_DATA_PATH}/storage` },
            // Snapshot archives are built here before the upload: on EFS, not in memory or on the 20 GiB task disk.
            { name: "QDRANT__STORAGE__TEMP_PATH", value: `${QDRANT_DATA_PATH}/temp` },
            // On EFS: the image's /qdrant/snapshots is root-owned and the root filesystem read-only.
            { name: "QDRANT__STORAGE__SNAPSHOTS_PATH", value: `${QDRANT_DATA_PATH}/snapshots` },
            { name: "QDRANT__STORAGE__SNAPSHOTS_CONFIG__SNAPSHOTS_STORAGE", value: "s3" },
            { name: "QDRANT__STORAGE__SNAPSHOTS_CONFIG__S3_CONFIG__BUCKET", value: this.snapshotBucket.bucket.bucket },
            { name: "QDRANT__STORAGE__SNAPSHOTS_CONFIG__S3_CONFIG__REGION", value: props.region },
            { name: "QDRANT__TELEMETRY_DISABLED", value: "true" },
            // Qdrant's "started" marker defaults to the read-only working directory.
            { name: "QDRANT_INIT_FILE_PATH", value: `${QDRANT_DATA_PATH}/.qdrant-initialized` },
            { name: "TMPDIR", value: `${QDRANT_DATA_PATH}/temp` },
          ],
          secrets: [{ name: "QDRANT__SERVICE__API_KEY", valueFrom: this.apiKeySecretArn }],
          mountPoints: [{ sourceVolume: volumeName, containerPath: QDRANT_DATA_PATH, readOnly: false }],
          // Qdrant keeps many segment files open.
          ulimits: [{ name: "nofile", softLimit: 65536, hardLimit: 65536 }],
          linuxParameters: { capabilities: DROP_ALL_CAPABILITIES },
          healthCheck: {
            command: QDRANT_HEALTH_CHECK_COMMAND,
            interval: 30,
            timeout: 5,
            retries: 3,
            startPeriod: startPeriodSeconds,
          },
          stopTimeout: stopTimeoutSeconds,
          logConfiguration: {
            logDriver: "awslogs",
            options: {
              "awslogs-group": this.logGroup.name,
              "awslogs-region": props.region,
              "awslogs-stream-prefix": "qdrant",
            },
          },
        },
      ]),
    });

    // --- service: one writer, ever ---
    this.service = new EcsService(this, "service", {
      name: `${prefix}-qdrant`,
      cluster: props.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      desiredCount: 1,
      // Stop the old task (and its hold on the storage) before starting the new one (qdrant/qdrant#4145).
      deploymentMinimumHealthyPercent: 0,
      deploymentMaximumPercent: 100,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      // Rebalancing starts a task in another AZ before stopping one: never two writers.
      availabilityZoneRebalancing: "DISABLED",
      networkConfiguration: {
        subnets: props.subnetIds,
        securityGroups: [this.securityGroup.id],
        assignPublicIp: false,
      },
      serviceRegistries: { registryArn: this.discoveryService.arn },
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      enableExecuteCommand: false,
      dependsOn: [...this.storage.mountTargets, this.storage.policy, taskPolicy, executionPolicy],
    });

    // --- alarms ---
    const alarm = (suffix: string, config: Omit<ConstructorParameters<typeof CloudwatchMetricAlarm>[2], "alarmName">) =>
      new CloudwatchMetricAlarm(this, `alarm-${suffix}`, {
        alarmName: `${prefix}-qdrant-${suffix}`,
        alarmActions: [props.alarmTopicArn],
        okActions: [props.alarmTopicArn],
        ...config,
      });
    this.alarms = [
      alarm("not-running", {
        alarmDescription: "No Qdrant task has been running for 5 minutes: retrieval is down",
        namespace: "ECS/ContainerInsights",
        metricName: "RunningTaskCount",
        dimensions: { ClusterName: props.cluster.name, ServiceName: this.service.name },
        statistic: "Minimum",
        period: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        treatMissingData: "breaching",
      }),
      alarm("efs-io-limit", {
        alarmDescription: "Qdrant's EFS file system is near the General Purpose I/O limit",
        namespace: "AWS/EFS",
        metricName: "PercentIOLimit",
        dimensions: { FileSystemId: this.fileSystem.id },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 3,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 90,
        treatMissingData: "notBreaching",
      }),
    ];
    if (props.efsThroughputMode === "bursting") {
      this.alarms.push(
        alarm("efs-burst-credits", {
          alarmDescription: "Qdrant's EFS burst credits are running out: throughput will drop to the baseline",
          namespace: "AWS/EFS",
          metricName: "BurstCreditBalance",
          dimensions: { FileSystemId: this.fileSystem.id },
          statistic: "Minimum",
          period: 300,
          evaluationPeriods: 3,
          comparisonOperator: "LessThanThreshold",
          threshold: burstThreshold,
          treatMissingData: "notBreaching",
        }),
      );
    }
  }

  /** Admits `securityGroupId` on Qdrant's HTTP (6333) and gRPC (6334) ports, or only on those named in `ports`. */
  public allowFrom(securityGroupId: string, description: string, ports: readonly ("http" | "grpc")[] = ["http", "grpc"]): void {
    const n = this.allowed++;
    for (const [name, port] of [["http", QDRANT_HTTP_PORT], ["grpc", QDRANT_GRPC_PORT]] as const) {
      if (!ports.includes(name)) continue;
      new VpcSecurityGroupIngressRule(this, `allow-${n}-${name}`, {
        securityGroupId: this.securityGroup.id,
        description: `${description} (Qdrant ${name})`,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: securityGroupId,
      });
    }
  }
}

function ecsTasksTrust(accountId: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  });
}
