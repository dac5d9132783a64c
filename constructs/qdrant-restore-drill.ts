/**
 * The Qdrant restore drill: on a schedule, a one-off Fargate task restores the
 * newest S3 snapshot of the collection into a throwaway Qdrant and compares its
 * point count with the live collection's.
 *
 * The task has two containers. `qdrant` is a scratch Qdrant of the live version on
 * the task's ephemeral storage (no EFS, no S3 configuration, no inbound rule:
 * only its neighbour reaches it over localhost). `drill` runs
 * qdrant-drill/restore_drill.py (standard-library Python; the file's text is the
 * container's command): it asks the live Qdrant for the collection's snapshots
 * (Qdrant lists and serves them from the snapshot bucket), streams the newest into
 * the scratch Qdrant's upload endpoint, counts the points of both, and prints one
 * JSON result line.
 *
 * Alarms, to the stage's alarm topic: a drill that failed (restore error, count
 * mismatch beyond the tolerance, no snapshot), a snapshot older than
 * `maxSnapshotAgeHours`, and a drill task that failed to start (EventBridge).
 *
 * The live Qdrant must admit `securityGroup` on its HTTP port (QdrantService.allowFrom with ["http"]).
 *
 * @example
 * const drill = new QdrantRestoreDrill(this, "restore-drill", {
 *   namePrefix: "faq-prod", accountId, region: "eu-west-1", vpcId, subnetIds, clusterArn: cluster.cluster.arn,
 *   qdrantImage: "qdrant/qdrant:v1.16.3", qdrantHost: qdrant.host, qdrantSecurityGroupId: qdrant.securityGroup.id,
 *   apiKeySecretArn: qdrant.apiKeySecretArn, secretsKmsKeyArn, collectionName: "faq", cpu: 1024, memoryMiB: 4096,
 *   schedule: "cron(0 5 ? * MON *)", maxSnapshotAgeHours: 26, pointCountTolerancePercent: 0,
 *   scheduleKmsKeyArn: qdrant.snapshots.key.key.arn, logRetentionDays: 365, logsKmsKeyArn, alarmTopicArn,
 * });
 * qdrant.allowFrom(drill.securityGroup.id, "Qdrant restore drill", ["http"]);
 */
import * as fs from "fs";
import * as path from "path";
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { suppress } from "../checks/suppress";
import { assumedBy, ecrPullStatements, secretReadStatements } from "./iam-statements";

/** The drill script; its text is the drill container's command. (From dist/constructs when compiled by scripts/run-ts.js.) */
export const RESTORE_DRILL_SCRIPT_PATH = [path.join(__dirname, ".."), path.join(__dirname, "..", "..")]
  .map((root) => path.join(root, "qdrant-drill", "restore_drill.py"))
  .find((candidate) => fs.existsSync(candidate)) ?? path.join(__dirname, "..", "qdrant-drill", "restore_drill.py");
/** Pinned image of the drill container (python3 with the standard library is all it needs). */
export const DEFAULT_DRILL_IMAGE = "python:3.12.8-slim-bookworm";
/** Task group of the drill tasks; the failed-start rule matches it. */
export const RESTORE_DRILL_GROUP = "qdrant-restore-drill";
/** CloudWatch metrics the drill's result line feeds. */
export const DRILL_METRICS = { failures: "RestoreDrillFailures", snapshotAgeHours: "RestoreDrillSnapshotAgeHours" } as const;

/** Where the scratch Qdrant writes: /tmp is the only writable directory of the image for a non-root user. */
const SCRATCH_DATA_PATH = "/tmp/qdrant";
const HTTP_PORT = 6333;

export interface QdrantRestoreDrillProps {
  /** Prefix of resource names. */
  readonly namePrefix: string;
  /** Account ID (trust conditions). */
  readonly accountId: string;
  /** Region of the stage. */
  readonly region: string;
  /** VPC of the drill's security group. */
  readonly vpcId: string;
  /** Subnets the drill task runs in (the private subnets). */
  readonly subnetIds: string[];
  /** ECS cluster the drill task runs in. */
  readonly clusterArn: string;
  /** Image of the scratch Qdrant: the live Qdrant's image, so the snapshot format matches. */
  readonly qdrantImage: string;
  /** DNS name of the live Qdrant inside the VPC. */
  readonly qdrantHost: string;
  /** Security group of the live Qdrant (the drill's egress goes there on 6333). */
  readonly qdrantSecurityGroupId: string;
  /** Secret holding Qdrant's API key (both Qdrants and the drill get it). */
  readonly apiKeySecretArn: string;
  /** KMS key of that secret. */
  readonly secretsKmsKeyArn: string;
  /** Collection restored and compared. */
  readonly collectionName: string;
  /** Task CPU units (the scratch Qdrant loads the whole collection: give it the live task's size). */
  readonly cpu: number;
  /** Task memory. */
  readonly memoryMiB: number;
  /** When the drill runs: EventBridge Scheduler expression, UTC. */
  readonly schedule: string;
  /** The drill fails, and the stale-snapshot alarm fires, when the newest snapshot is older than this. */
  readonly maxSnapshotAgeHours: number;
  /** Allowed difference between restored and live point counts, in percent of the live count. */
  readonly pointCountTolerancePercent: number;
  /** KMS key encrypting the schedule's payload. */
  readonly scheduleKmsKeyArn: string;
  /** Retention of the drill's log group. */
  readonly logRetentionDays: number;
  /** KMS key encrypting the drill's log group. */
  readonly logsKmsKeyArn: string;
  /** SNS topic of the alarms. */
  readonly alarmTopicArn: string;
  /**
   * Task ephemeral storage in GiB (21-200), room for the restored collection and the uploaded snapshot.
   * @default - Fargate's 20 GiB
   */
  readonly ephemeralStorageGiB?: number;
  /**
   * Image of the drill container; pin a version or digest.
   * @default DEFAULT_DRILL_IMAGE
   */
  readonly drillImage?: string;
  /**
   * CPU architecture of the task.
   * @default "X86_64"
   */
  readonly cpuArchitecture?: "X86_64" | "ARM64";
}

export class QdrantRestoreDrill extends Construct {
  /** Security group of the drill task (egress to the live Qdrant and HTTPS only, no ingress). */
  public readonly securityGroup: SecurityGroup;
  /** Log group of both containers. */
  public readonly logGroup: CloudwatchLogGroup;
  /** Execution role (image pull, logs, the API key). */
  public readonly executionRole: IamRole;
  /** The drill's task definition. */
  public readonly taskDefinition: EcsTaskDefinition;
  /** Role EventBridge Scheduler assumes: runs only the drill task definition. */
  public readonly schedulerRole: IamRole;
  /** The schedule. */
  public readonly schedule: SchedulerSchedule;
  /** Alarm: a drill reported failure. */
  public readonly failureAlarm: CloudwatchMetricAlarm;
  /** Alarm: the newest snapshot was older than maxSnapshotAgeHours. */
  public readonly staleSnapshotAlarm: CloudwatchMetricAlarm;
  /** EventBridge rule: the drill task failed to start. */
  public readonly failedStartRule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: QdrantRestoreDrillProps) {
    super(scope, id);
    const drillImage = props.drillImage ?? DEFAULT_DRILL_IMAGE;
    const cpuArchitecture = props.cpuArchitecture ?? "X86_64";
    for (const image of [drillImage, props.qdrantImage]) {
      if (/:latest$/.test(image) || !/[:@]/.test(image.split("/").pop()!)) {
        throw new Error(`QdrantRestoreDrill ${id}: images must be pinned to a version or digest, got "${image}"`);
      }
    }
    if (!(props.maxSnapshotAgeHours > 0)) {
      throw new Error(`QdrantRestoreDrill ${id}: maxSnapshotAgeHours must be above 0, got ${props.maxSnapshotAgeHours}`);
    }
    if (!(props.pointCountTolerancePercent >= 0 && props.pointCountTolerancePercent <= 100)) {
      throw new Error(`QdrantRestoreDrill ${id}: pointCountTolerancePercent must be from 0 to 100, got ${props.pointCountTolerancePercent}`);
    }
    const storage = props.ephemeralStorageGiB;
    if (storage !== undefined && (!Number.isInteger(storage) || storage < 21 || storage > 200)) {
      throw new Error(`QdrantRestoreDrill ${id}: ephemeralStorageGiB must be a whole number from 21 to 200, got ${storage}`);
    }
    const prefix = props.namePrefix;
    const script = fs.readFileSync(RESTORE_DRILL_SCRIPT_PATH, "utf8");

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${prefix}-qdrant-restore-drill`,
      description: "Qdrant restore drill task: to the live Qdrant's HTTP port, and HTTPS out; no ingress",
      vpcId: props.vpcId,
      tags: { Name: `${prefix}-qdrant-restore-drill` },
    });
    new VpcSecurityGroupEgressRule(this, "to-live-qdrant", {
      securityGroupId: this.securityGroup.id,
      description: "Live Qdrant HTTP API (snapshot list, download, count)",
      ipProtocol: "tcp",
      fromPort: HTTP_PORT,
      toPort: HTTP_PORT,
      referencedSecurityGroupId: props.qdrantSecurityGroupId,
    });
    new VpcSecurityGroupEgressRule(this, "https-out", {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS: image pull, Secrets Manager, CloudWatch Logs",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/${prefix}/qdrant/restore-drill`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKmsKeyArn,
    });

    this.executionRole = new IamRole(this, "execution-role", {
      name: `${prefix}-qdrant-drill-exec`,
      assumeRolePolicy: assumedBy("ecs-tasks.amazonaws.com", props.accountId),
    });
    new IamRolePolicy(this, "execution-policy", {
      role: this.executionRole.id,
      name: "logs-and-api-key",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${this.logGroup.arn}:*` },
          ...secretReadStatements([props.apiKeySecretArn], [props.secretsKmsKeyArn], props.region),
          ...ecrPullStatements(props.qdrantImage, drillImage),
        ],
      }),
    });

    const logConfiguration = (streamPrefix: string) => ({
      logDriver: "awslogs",
      options: { "awslogs-group": this.logGroup.name, "awslogs-region": props.region, "awslogs-stream-prefix": streamPrefix },
    });
    const apiKey = [{ name: "QDRANT__SERVICE__API_KEY", valueFrom: props.apiKeySecretArn }];
    // No task role: neither container calls AWS (the live Qdrant reads the bucket with its own role).
    this.taskDefinition = new EcsTaskDefinition(this, "task", {
      family: `${prefix}-qdrant-restore-drill`,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(props.cpu),
      memory: String(props.memoryMiB),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture },
      executionRoleArn: this.executionRole.arn,
      ephemeralStorage: storage === undefined ? undefined : { sizeInGib: storage },
      containerDefinitions: JSON.stringify([
        {
          name: "qdrant",
          image: props.qdrantImage,
          // The drill stops the task when it exits; the scratch Qdrant's own exit code then means nothing.
          essential: false,
          user: "1000:1000",
          // Writes go to /tmp on the task's ephemeral storage: the image's /qdrant belongs to root and Fargate
          // bind mounts are root-owned (0755), so a non-root Qdrant needs a writable root filesystem here.
          readonlyRootFilesystem: false,
          environment: [
            { name: "QDRANT__STORAGE__STORAGE_PATH", value: `${SCRATCH_DATA_PATH}/storage` },
            { name: "QDRANT__STORAGE__SNAPSHOTS_PATH", value: `${SCRATCH_DATA_PATH}/snapshots` },
            { name: "QDRANT__STORAGE__TEMP_PATH", value: `${SCRATCH_DATA_PATH}/temp` },
            { name: "QDRANT_INIT_FILE_PATH", value: `${SCRATCH_DATA_PATH}/.qdrant-initialized` },
            { name: "QDRANT__TELEMETRY_DISABLED", value: "true" },
            { name: "TMPDIR", value: `${SCRATCH_DATA_PATH}/temp` },
          ],
          secrets: apiKey,
          linuxParameters: { capabilities: { drop: ["ALL"] } },
          ulimits: [{ name: "nofile", softLimit: 65536, hardLimit: 65536 }],
          healthCheck: {
            command: [
              "CMD",
              "bash",
              "-c",
              `exec 3<>/dev/tcp/127.0.0.1/${HTTP_PORT} && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && read -r status <&3 && [[ "$status" == *" 200 "* ]]`,
            ],
            interval: 10,
            timeout: 5,
            retries: 3,
            startPeriod: 30,
          },
          logConfiguration: logConfiguration("qdrant"),
        },
        {
          name: "drill",
          image: drillImage,
          essential: true,
          user: "65534:65534",
          readonlyRootFilesystem: true,
          dependsOn: [{ containerName: "qdrant", condition: "HEALTHY" }],
          // The script's text, not a file in an image: what the tests run is what the task runs.
          entryPoint: ["python3", "-B", "-c"],
          command: [script],
          environment: [
            { name: "LIVE_QDRANT_URL", value: `http://${props.qdrantHost}:${HTTP_PORT}` },
            { name: "SCRATCH_QDRANT_URL", value: `http://127.0.0.1:${HTTP_PORT}` },
            { name: "QDRANT_COLLECTION", value: props.collectionName },
            { name: "MAX_SNAPSHOT_AGE_HOURS", value: String(props.maxSnapshotAgeHours) },
            { name: "POINT_COUNT_TOLERANCE_PERCENT", value: String(props.pointCountTolerancePercent) },
          ],
          secrets: [{ name: "QDRANT_API_KEY", valueFrom: props.apiKeySecretArn }],
          linuxParameters: { capabilities: { drop: ["ALL"] } },
          logConfiguration: logConfiguration("drill"),
        },
      ]),
    });
    suppress(
      this.taskDefinition,
      "DFP-ECS-2",
      "The scratch Qdrant of the restore drill runs as uid 1000 and writes only under /tmp on the task's ephemeral storage: " +
        "the image's data directories belong to root and Fargate bind mounts are root-owned, the task takes no inbound " +
        "connection and is deleted when the drill ends; the drill container itself has a read-only root filesystem.",
    );

    // --- the schedule ---
    this.schedulerRole = new IamRole(this, "scheduler-role", {
      name: `${prefix}-qdrant-drill-scheduler`,
      assumeRolePolicy: assumedBy("scheduler.amazonaws.com", props.accountId),
    });
    new IamRolePolicy(this, "scheduler-policy", {
      role: this.schedulerRole.id,
      name: "run-the-drill-task",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "RunTheDrillTask",
            Effect: "Allow",
            Action: "ecs:RunTask",
            Resource: this.taskDefinition.arn,
            Condition: { ArnEquals: { "ecs:cluster": props.clusterArn } },
          },
          {
            Sid: "PassItsRole",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: this.executionRole.arn,
            Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
          },
          { Sid: "ScheduleKey", Effect: "Allow", Action: "kms:Decrypt", Resource: props.scheduleKmsKeyArn },
        ],
      }),
    });
    this.schedule = new SchedulerSchedule(this, "schedule", {
      name: `${prefix}-qdrant-restore-drill`,
      description: "Restore the newest Qdrant snapshot into a throwaway Qdrant and compare point counts",
      scheduleExpression: props.schedule,
      scheduleExpressionTimezone: "Etc/UTC",
      flexibleTimeWindow: { mode: "OFF" },
      kmsKeyArn: props.scheduleKmsKeyArn,
      target: {
        arn: props.clusterArn,
        roleArn: this.schedulerRole.arn,
        ecsParameters: {
          taskDefinitionArn: this.taskDefinition.arn,
          launchType: "FARGATE",
          platformVersion: "LATEST",
          taskCount: 1,
          group: RESTORE_DRILL_GROUP,
          networkConfiguration: { subnets: props.subnetIds, securityGroups: [this.securityGroup.id], assignPublicIp: false },
        },
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      },
    });

    // --- alarms from the result line ---
    const namespace = `DjangoFaq/${prefix}`;
    const failures = new CloudwatchLogMetricFilter(this, "failures-filter", {
      name: `${prefix}-qdrant-restore-drill-failures`,
      logGroupName: this.logGroup.name,
      pattern: '{ $.drill = "qdrant-restore" && $.status = "failed" }',
      metricTransformation: { name: DRILL_METRICS.failures, namespace, value: "1", unit: "Count" },
    });
    const age = new CloudwatchLogMetricFilter(this, "snapshot-age-filter", {
      name: `${prefix}-qdrant-restore-drill-snapshot-age`,
      logGroupName: this.logGroup.name,
      pattern: '{ $.drill = "qdrant-restore" && $.snapshotAgeHours = * }',
      metricTransformation: { name: DRILL_METRICS.snapshotAgeHours, namespace, value: "$.snapshotAgeHours", unit: "None" },
    });
    const common = {
      namespace,
      period: 3600,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      alarmActions: [props.alarmTopicArn],
    };
    this.failureAlarm = new CloudwatchMetricAlarm(this, "failure-alarm", {
      ...common,
      alarmName: `${prefix}-qdrant-restore-drill-failed`,
      alarmDescription:
        `The Qdrant restore drill failed: read the JSON line at the end of ${this.logGroup.name} (reason, snapshot, liveCount, restoredCount).`,
      metricName: DRILL_METRICS.failures,
      statistic: "Sum",
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      dependsOn: [failures],
    });
    this.staleSnapshotAlarm = new CloudwatchMetricAlarm(this, "stale-snapshot-alarm", {
      ...common,
      alarmName: `${prefix}-qdrant-snapshot-stale`,
      alarmDescription: `The newest Qdrant snapshot the restore drill found was older than ${props.maxSnapshotAgeHours} h: the snapshot schedule is not producing snapshots.`,
      metricName: DRILL_METRICS.snapshotAgeHours,
      statistic: "Maximum",
      threshold: props.maxSnapshotAgeHours,
      comparisonOperator: "GreaterThanThreshold",
      dependsOn: [age],
    });

    // A drill that never started prints nothing: EventBridge reports it.
    this.failedStartRule = new CloudwatchEventRule(this, "failed-start-rule", {
      name: `${prefix}-qdrant-restore-drill-not-started`,
      description: "The Qdrant restore drill task failed to start",
      eventPattern: JSON.stringify({
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: { clusterArn: [props.clusterArn], group: [RESTORE_DRILL_GROUP], lastStatus: ["STOPPED"], stopCode: ["TaskFailedToStart"] },
      }),
    });
    new CloudwatchEventTarget(this, "failed-start-to-alarms", { rule: this.failedStartRule.name, arn: props.alarmTopicArn });
  }
}
