/**
 * Qdrant's own snapshots in S3, the Qdrant-consistent second copy beside the EFS
 * backups: a private, KMS-encrypted, versioned bucket whose objects expire after
 * `retentionDays`, and a daily trigger that asks Qdrant for a full snapshot.
 *
 * The trigger is an EventBridge Scheduler schedule that runs a one-off Fargate task
 * (a pinned curl image) in the private subnets; the task POSTs
 * `http://<qdrantHost>:6333/snapshots?wait=true` with the API key, and Qdrant
 * (configured with `snapshots_storage: s3`) uploads the snapshot to the bucket
 * itself. A stopped trigger task with a non-zero exit code, or one that failed to
 * start, is published to the alarm topic.
 *
 * Qdrant's ingress rule admitting `triggerSecurityGroup` on 6333 belongs to the
 * owner of Qdrant's security group (QdrantService).
 *
 * @example
 * const snapshots = new QdrantSnapshots(this, "snapshots", {
 *   namePrefix: "faq-prod", accountId, region: "eu-west-1", vpcId, subnetIds,
 *   clusterArn: cluster.cluster.arn, qdrantSecurityGroupId: sg.id, qdrantHost: "qdrant.faq-prod.internal",
 *   apiKeySecretArn: secret.arn, secretsKmsKeyArn, schedule: "cron(30 2 * * ? *)", retentionDays: 30,
 *   logRetentionDays: 365, logsKmsKeyArn, alarmTopicArn, preventDestroy: true,
 * });
 */
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { EncryptionKey } from "./encryption-key";
import { PrivateBucket } from "./private-bucket";
import { assumedBy, ecrPullStatements, secretReadStatements } from "./iam-statements";
import { DROP_ALL_CAPABILITIES } from "./container-capabilities";

/** Pinned image of the trigger task: small, with sh and curl, runs as a non-root user (curl_user). */
export const DEFAULT_SNAPSHOT_TRIGGER_IMAGE = "curlimages/curl:8.11.1";

/** Name of the trigger task's container (for `aws ecs run-task --overrides`). */
export const SNAPSHOT_TRIGGER_CONTAINER = "snapshot";

/** Task group of the trigger tasks; the failure rule matches it. */
export const SNAPSHOT_TRIGGER_GROUP = "qdrant-snapshot";

export interface QdrantSnapshotsProps {
  /** Prefix of resource names. */
  readonly namePrefix: string;
  /** Account ID (bucket name, key policy, trust conditions). */
  readonly accountId: string;
  /** Region of the stage. */
  readonly region: string;
  /** VPC of the trigger task's security group. */
  readonly vpcId: string;
  /** Subnets the trigger task runs in (the private subnets). */
  readonly subnetIds: string[];
  /** ECS cluster the trigger task runs in. */
  readonly clusterArn: string;
  /** Security group of the Qdrant tasks (the trigger's egress goes there on `qdrantHttpPort`). */
  readonly qdrantSecurityGroupId: string;
  /** DNS name of Qdrant inside the VPC. */
  readonly qdrantHost: string;
  /**
   * Qdrant's HTTP port.
   * @default 6333
   */
  readonly qdrantHttpPort?: number;
  /** Secret holding Qdrant's API key (given to the trigger as QDRANT_API_KEY). */
  readonly apiKeySecretArn: string;
  /** KMS key of that secret (the trigger's execution role may decrypt through Secrets Manager). */
  readonly secretsKmsKeyArn: string;
  /** When to snapshot: EventBridge Scheduler `cron(...)` or `rate(...)` expression, UTC. */
  readonly schedule: string;
  /** Days snapshot objects are kept before they expire. */
  readonly retentionDays: number;
  /** Retention of the trigger's log group. */
  readonly logRetentionDays: number;
  /** KMS key encrypting the trigger's log group. */
  readonly logsKmsKeyArn: string;
  /** SNS topic told about failed trigger runs. */
  readonly alarmTopicArn: string;
  /**
   * Image of the trigger task (needs sh and curl >= 7.76); pin a version or digest.
   * @default DEFAULT_SNAPSHOT_TRIGGER_IMAGE
   */
  readonly triggerImage?: string;
  /**
   * Collections that also get a collection snapshot of their own after the full one: the restore drill
   * restores the newest of these (GET /collections/<name>/snapshots lists them from the bucket).
   * @default [] (the full snapshot only)
   */
  readonly collectionNames?: readonly string[];
  /**
   * Longest time the trigger waits for Qdrant to finish the snapshot.
   * @default 3000
   */
  readonly snapshotTimeoutSeconds?: number;
  /**
   * Refuse `terraform destroy` of the bucket and its key (lifecycle prevent_destroy).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

export class QdrantSnapshots extends Construct {
  /** KMS key of the bucket (and of the schedule's payload). */
  public readonly key: EncryptionKey;
  /** The snapshot bucket. */
  public readonly bucket: PrivateBucket;
  /** Security group of the trigger task (egress to Qdrant's HTTP port and to HTTPS). */
  public readonly triggerSecurityGroup: SecurityGroup;
  /** Log group of the trigger task. */
  public readonly triggerLogGroup: CloudwatchLogGroup;
  /** Execution role of the trigger task (image pull, logs, the API key). */
  public readonly triggerExecutionRole: IamRole;
  /** The trigger's task definition (reusable with a command override for restores). */
  public readonly triggerTaskDefinition: EcsTaskDefinition;
  /** Role EventBridge Scheduler assumes: runs only the trigger task definition, passes only its role. */
  public readonly schedulerRole: IamRole;
  /** The schedule. */
  public readonly schedule: SchedulerSchedule;
  /** EventBridge rule matching failed trigger tasks. */
  public readonly failureRule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: QdrantSnapshotsProps) {
    super(scope, id);
    const httpPort = props.qdrantHttpPort ?? 6333;
    const image = props.triggerImage ?? DEFAULT_SNAPSHOT_TRIGGER_IMAGE;
    const timeoutSeconds = props.snapshotTimeoutSeconds ?? 3000;
    const preventDestroy = props.preventDestroy ?? false;
    const collectionNames = props.collectionNames ?? [];
    for (const name of collectionNames) {
      if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
        throw new Error(`QdrantSnapshots ${id}: collectionNames must hold letters, digits, _ and - only, got "${name}"`);
      }
    }
    if (/:latest$/.test(image) || !/[:@]/.test(image.split("/").pop()!)) {
      throw new Error(`QdrantSnapshots ${id}: triggerImage must be pinned to a version or digest, got "${image}"`);
    }
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 60) {
      throw new Error(`QdrantSnapshots ${id}: snapshotTimeoutSeconds must be a whole number >= 60, got ${timeoutSeconds}`);
    }
    const prefix = props.namePrefix;

    this.key = new EncryptionKey(this, "key", {
      alias: `${prefix}-qdrant-snapshots`,
      description: `Qdrant snapshots of ${prefix}`,
      accountId: props.accountId,
      region: props.region,
      preventDestroy,
    });
    this.bucket = new PrivateBucket(this, "bucket", {
      bucketName: `${prefix}-qdrant-snapshots-${props.accountId}`,
      kmsKeyArn: this.key.key.arn,
      expirationDays: props.retentionDays,
      // Replaced versions only come from re-uploads of the same name; keep them no longer than a day.
      noncurrentVersionExpirationDays: 1,
      preventDestroy,
    });

    // --- the trigger task ---
    this.triggerSecurityGroup = new SecurityGroup(this, "trigger-security-group", {
      name: `${prefix}-qdrant-snapshot-trigger`,
      description: "Qdrant snapshot trigger task: to the Qdrant HTTP port, and HTTPS out",
      vpcId: props.vpcId,
      tags: { Name: `${prefix}-qdrant-snapshot-trigger` },
    });
    new VpcSecurityGroupEgressRule(this, "trigger-to-qdrant", {
      securityGroupId: this.triggerSecurityGroup.id,
      description: "Qdrant HTTP API",
      ipProtocol: "tcp",
      fromPort: httpPort,
      toPort: httpPort,
      referencedSecurityGroupId: props.qdrantSecurityGroupId,
    });
    new VpcSecurityGroupEgressRule(this, "trigger-https-out", {
      securityGroupId: this.triggerSecurityGroup.id,
      description: "HTTPS: image pull, Secrets Manager, CloudWatch Logs",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });

    this.triggerLogGroup = new CloudwatchLogGroup(this, "trigger-logs", {
      name: `/${prefix}/qdrant/snapshot-trigger`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKmsKeyArn,
    });

    this.triggerExecutionRole = new IamRole(this, "trigger-execution-role", {
      name: `${prefix}-qdrant-snapshot-exec`,
      assumeRolePolicy: assumedBy("ecs-tasks.amazonaws.com", props.accountId),
    });
    new IamRolePolicy(this, "trigger-execution-policy", {
      role: this.triggerExecutionRole.id,
      name: "logs-and-api-key",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "Logs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${this.triggerLogGroup.arn}:*`,
          },
          ...secretReadStatements([props.apiKeySecretArn], [props.secretsKmsKeyArn], props.region),
          ...ecrPullStatements(image),
        ],
      }),
    });

    // The API key travels in a header read from stdin, so it is not in the process list.
    const post = (path: string) =>
      `printf 'api-key: %s\\n' "$QDRANT_API_KEY" | curl --fail-with-body --silent --show-error ` +
      `--max-time ${timeoutSeconds} --retry 3 --retry-connrefused --retry-delay 30 ` +
      `-X POST -H @- "http://$QDRANT_HOST:${httpPort}${path}?wait=true"`;
    // The full snapshot first, then each named collection's own (what the restore drill restores).
    const script = [post("/snapshots"), ...collectionNames.map((name) => post(`/collections/${name}/snapshots`))].join(" && ");
    this.triggerTaskDefinition = new EcsTaskDefinition(this, "trigger-task", {
      family: `${prefix}-qdrant-snapshot`,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: this.triggerExecutionRole.arn,
      containerDefinitions: JSON.stringify([
        {
          name: SNAPSHOT_TRIGGER_CONTAINER,
          image,
          essential: true,
          // Stated, not inherited from the image: nobody:nogroup needs no home, and nothing is written to disk.
          user: "65534:65534",
          readonlyRootFilesystem: true,
          linuxParameters: { capabilities: DROP_ALL_CAPABILITIES },
          entryPoint: ["/bin/sh", "-c"],
          command: [script],
          environment: [{ name: "QDRANT_HOST", value: props.qdrantHost }],
          secrets: [{ name: "QDRANT_API_KEY", valueFrom: props.apiKeySecretArn }],
          logConfiguration: {
            logDriver: "awslogs",
            options: {
              "awslogs-group": this.triggerLogGroup.name,
              "awslogs-region": props.region,
              "awslogs-stream-prefix": "snapshot",
            },
          },
        },
      ]),
    });

    // --- the schedule ---
    this.schedulerRole = new IamRole(this, "scheduler-role", {
      name: `${prefix}-qdrant-snapshot-scheduler`,
      assumeRolePolicy: assumedBy("scheduler.amazonaws.com", props.accountId),
    });
    new IamRolePolicy(this, "scheduler-policy", {
      role: this.schedulerRole.id,
      name: "run-the-snapshot-task",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "RunTheTriggerTask",
            Effect: "Allow",
            Action: "ecs:RunTask",
            Resource: this.triggerTaskDefinition.arn,
            Condition: { ArnEquals: { "ecs:cluster": props.clusterArn } },
          },
          {
            Sid: "PassItsRole",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: this.triggerExecutionRole.arn,
            Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
          },
          { Sid: "ScheduleKey", Effect: "Allow", Action: "kms:Decrypt", Resource: this.key.key.arn },
        ],
      }),
    });

    this.schedule = new SchedulerSchedule(this, "schedule", {
      name: `${prefix}-qdrant-snapshot`,
      description: "Daily full snapshot of Qdrant to S3",
      scheduleExpression: props.schedule,
      scheduleExpressionTimezone: "Etc/UTC",
      flexibleTimeWindow: { mode: "OFF" },
      kmsKeyArn: this.key.key.arn,
      target: {
        arn: props.clusterArn,
        roleArn: this.schedulerRole.arn,
        ecsParameters: {
          taskDefinitionArn: this.triggerTaskDefinition.arn,
          launchType: "FARGATE",
          platformVersion: "LATEST",
          taskCount: 1,
          group: SNAPSHOT_TRIGGER_GROUP,
          networkConfiguration: {
            subnets: props.subnetIds,
            securityGroups: [this.triggerSecurityGroup.id],
            assignPublicIp: false,
          },
        },
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      },
    });

    // --- failures to the alarm topic ---
    this.failureRule = new CloudwatchEventRule(this, "failure-rule", {
      name: `${prefix}-qdrant-snapshot-failed`,
      description: "A Qdrant snapshot trigger task failed to start or exited non-zero",
      eventPattern: JSON.stringify({
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: {
          clusterArn: [props.clusterArn],
          group: [SNAPSHOT_TRIGGER_GROUP],
          lastStatus: ["STOPPED"],
          $or: [{ containers: { exitCode: [{ "anything-but": 0 }] } }, { stopCode: ["TaskFailedToStart"] }],
        },
      }),
    });
    new CloudwatchEventTarget(this, "failure-to-alarms", {
      rule: this.failureRule.name,
      arn: props.alarmTopicArn,
    });
  }
}
